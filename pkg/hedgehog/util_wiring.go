package hedgehog

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Helpers shared by the wiring kinds (Connection, Switch, Server,
// SwitchGroup, VLANNamespace).

// Label keys and values the wiring webhooks set.
const (
	wiringLabelConnectionType = "fabric.githedgehog.com/connection-type"
	wiringLabelVPC            = "fabric.githedgehog.com/vpc"
	wiringLabelVLANNsOfVPC    = "fabric.githedgehog.com/vlanns"
	wiringLabelProfile        = "fabric.githedgehog.com/profile"
	wiringLabelConnection     = "fabric.githedgehog.com/connection"
	wiringListSwitch          = "switch.fabric.githedgehog.com/"
	wiringListServer          = "server.fabric.githedgehog.com/"
	wiringListSwitchGroup     = "switchgroup.fabric.githedgehog.com/"
	wiringListVLANNs          = "vlanns.fabric.githedgehog.com/"
	wiringListValue           = "true"
	wiringInvalid             = "<invalid>"
)

// wiringSkippedRules are the upstream [fabric] rules of the wiring kinds
// that need a SwitchProfile: SwitchProfiles are not among the 12 kinds and
// not in Git, so these rules are not checked offline.
var wiringSkippedRules = []string{
	"connection: every endpoint switch's SwitchProfile must exist",
	"connection: every switch port must be a valid API port name of the switch's profile with its current breakouts",
	"switch: the SwitchProfile named in spec.profile must exist",
	"switch: portGroupSpeeds keys must be port groups of the profile and the speeds supported by their port profile",
	"switch: portSpeeds keys must be profile ports and the speeds supported",
	"switch: portBreakouts keys must be profile ports and the modes supported breakouts",
	"switch: portAutoNegs keys must be ports whose profile allows auto-negotiation",
	"switch: portFECs keys must be FEC-configurable ports",
	"switch: roce: true needs the profile feature RoCE",
	"switch: ecmp.roceQPN needs the profile feature ECMPRoCEQPN",
	"switch: eslag redundancy needs the profile feature ESLAG (mclag: a warning)",
	"switch: the data ports after breakouts must not exceed the profile's maxPorts, per profile and per pipeline",
}

// WiringSkippedRules returns the wiring kinds' upstream rules that are not
// checked offline because they need a SwitchProfile.
func WiringSkippedRules() []string { return append([]string(nil), wiringSkippedRules...) }

// wiringLabels applies a webhook's label step (cleanup of the fabric
// labels, then the kind's own) and tells whether the labels changed the
// way the webhook's typed DeepEqual sees it: a missing labels map becomes
// an empty one, which counts as a change.
type wiringLabels struct {
	md     map[string]interface{}
	labels map[string]interface{}
	hadMap bool
	empty  bool       // the object had an empty labels map
	old    []wiringKV // fabric labels before the cleanup
	set    int        // fabric labels set by the kind
}

type wiringKV struct{ k, v string }

func wiringBeginLabels(obj map[string]interface{}) *wiringLabels {
	md := ensureMap(obj, "metadata")
	l := &wiringLabels{md: md}
	if old, ok := md["labels"].(map[string]interface{}); ok && old != nil {
		l.hadMap = true
		l.empty = len(old) == 0
		for k, v := range old {
			if strings.Contains(k, FabricLabelMark) {
				s, _ := v.(string)
				l.old = append(l.old, wiringKV{k, s})
			}
		}
	}
	l.labels = cleanupFabricLabels(obj)
	return l
}

// put sets a fabric label (a key containing FabricLabelMark).
func (l *wiringLabels) put(key, value string) {
	if _, dup := l.labels[key]; !dup {
		l.set++
	}
	l.labels[key] = value
}

// done reports whether the labels changed. A labels map left empty is
// dropped (an empty map is not marshalled), unless the object had it empty
// already: the patch's "remove" of it is one the plain decode/marshal
// round trip also makes, which the webhook drops.
func (l *wiringLabels) done() bool {
	if len(l.labels) == 0 && !l.empty {
		delete(l.md, "labels")
	}
	if !l.hadMap || len(l.old) != l.set {
		return true
	}
	for _, kv := range l.old {
		if v, ok := l.labels[kv.k].(string); !ok || v != kv.v {
			return true
		}
	}
	return false
}

// wiringEnsureEmpty stores {} at key in m when absent: a non-pointer Go
// struct without omitempty effect is always marshalled.
func wiringEnsureEmpty(m map[string]interface{}, key string) {
	if m != nil && m[key] == nil {
		m[key] = map[string]interface{}{}
	}
}

// wiringCheckLabels checks every label of obj against the API server's
// label rules: the webhooks copy names into label keys and values, and the
// API server refuses the object when one is not a legal label. A fast
// conservative check passes the common case; apimachinery's validation
// decides (and words the message) for the rest.
func wiringCheckLabels(obj *unstructured.Unstructured, r *Reporter) {
	labels, _ := mapAt(obj.Object, "metadata")["labels"].(map[string]interface{})
	var suspect []string
	for k, v := range labels {
		s, _ := v.(string)
		if !wiringLabelKeyOK(k) || !wiringLabelValueOK(s) {
			suspect = append(suspect, k)
		}
	}
	sort.Strings(suspect)
	for _, k := range suspect {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			r.Add(ScopeLocal, "label", "metadata.labels", "label key "+quote(k)+" is not valid: "+strings.Join(errs, "; "),
				"shorten or rename the object or name the key refers to (at most 63 characters, alphanumerics, '-', '_' or '.')")
			continue
		}
		v, _ := labels[k].(string)
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			r.Add(ScopeLocal, "label", "metadata.labels", "label "+k+"="+quote(v)+" has an invalid value: "+strings.Join(errs, "; "),
				"fix the field the value comes from (at most 63 characters, alphanumerics, '-', '_' or '.')")
		}
	}
}

func wiringAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// wiringLabelValueOK: at most 63 of [A-Za-z0-9-_.], alphanumeric at both
// ends, or empty.
func wiringLabelValueOK(v string) bool {
	if v == "" {
		return true
	}
	if len(v) > 63 || !wiringAlnum(v[0]) || !wiringAlnum(v[len(v)-1]) {
		return false
	}
	for i := 1; i < len(v)-1; i++ {
		if c := v[i]; !wiringAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// wiringLabelKeyOK: [prefix/]name, the name a non-empty label value, the
// prefix lower-case dot-separated alphanumeric words joined by '-'
// (conservative: it may refuse a key the API server accepts, never the
// other way round).
func wiringLabelKeyOK(k string) bool {
	name := k
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if prefix == "" || len(prefix) > 253 {
			return false
		}
		prev := byte('.')
		for j := 0; j < len(prefix); j++ {
			c := prefix[j]
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case c == '-' || c == '.':
				if prev == '.' || prev == '-' && c == '.' {
					return false
				}
			default:
				return false
			}
			prev = c
		}
		if prev == '.' || prev == '-' {
			return false
		}
	}
	return name != "" && wiringLabelValueOK(name)
}

// wiringIndexed returns the field path of a list item: "spec.groups[2]".
func wiringIndexed(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// wiringItoa formats an int64 for messages.
func wiringItoa(n int64) string { return strconv.FormatInt(n, 10) }

// wiringConfigPrefix returns the parsed config prefix, false when not
// given or not a prefix.
func wiringConfigPrefix(s *string) (netip.Prefix, bool) {
	if s == nil {
		return netip.Prefix{}, false
	}
	return parsePrefix(*s)
}

// wiringConfigAddr returns the address of a config value written as an
// address or a prefix, false when not given or neither.
func wiringConfigAddr(s *string) (netip.Addr, bool) {
	if s == nil {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(*s); err == nil {
		return a, true
	}
	if p, err := netip.ParsePrefix(*s); err == nil {
		return p.Addr(), true
	}
	return netip.Addr{}, false
}

// wiringOthers returns names without self, joined for a message, at most
// a few of them.
func wiringOthers(names []string, self string) (string, bool) {
	var b strings.Builder
	n := 0
	for _, name := range names {
		if name == self {
			continue
		}
		if n == 3 {
			b.WriteString(", ...")
			break
		}
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name)
		n++
	}
	return b.String(), n > 0
}
