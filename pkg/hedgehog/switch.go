package hedgehog

import (
	"sort"
	"strings"
)

// Switch: api/wiring/v1beta1/switch_types.go, pkg/ctrl/switch_wh.go.

func init() {
	register("Switch", KindRules{
		Webhook:        true,
		Default:        switchDefault,
		Validate:       switchValidate,
		ValidateFabric: switchValidateFabric,
		ValidateDelete: switchValidateDelete,
	})
}

// Link-flap error-disable defaults (also the CRD schema's).
const (
	swFlapThreshold    = int64(3)
	swSamplingInterval = int64(30)
	swRecoveryInterval = int64(300)
)

// switchDefault follows Switch.Default(): SPEED_ stripped, VLAN namespaces
// defaulted, the redundancy group added to groups, groups and namespaces
// sorted as strings, link-flap fields defaulted, the fabric labels set;
// when anything changed, the re-marshalled object stores redundancy, boot
// and ecmp as {}.
func switchDefault(obj map[string]interface{}) {
	l := wiringBeginLabels(obj)
	spec := ensureMap(obj, "spec")
	changed := false
	for _, key := range [...]string{"portGroupSpeeds", "portSpeeds"} {
		for k, v := range mapAt(spec, key) {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "SPEED_") {
				spec[key].(map[string]interface{})[k] = s[len("SPEED_"):]
				changed = true
			}
		}
	}
	if len(list(spec, "vlanNamespaces")) == 0 {
		spec["vlanNamespaces"] = []interface{}{"default"}
		changed = true
	}
	if g := str(mapAt(spec, "redundancy"), "group"); g != "" && !swContains(list(spec, "groups"), g) {
		spec["groups"] = append(list(spec, "groups"), g)
		changed = true
	}
	if swSortStrings(list(spec, "groups")) {
		changed = true
	}
	if swSortStrings(list(spec, "vlanNamespaces")) {
		changed = true
	}
	if lf := mapAt(spec, "linkFlapErrDisable"); lf != nil {
		for _, d := range [...]struct {
			key string
			val int64
		}{{"flapThreshold", swFlapThreshold}, {"samplingInterval", swSamplingInterval}, {"recoveryInterval", swRecoveryInterval}} {
			if lf[d.key] == nil {
				lf[d.key] = d.val
				changed = true
			}
		}
	}
	l.put(wiringLabelProfile, str(spec, "profile"))
	for _, g := range stringList(spec, "groups") {
		l.put(wiringListSwitchGroup+g, wiringListValue)
	}
	for _, ns := range stringList(spec, "vlanNamespaces") {
		l.put(wiringListVLANNs+ns, wiringListValue)
	}
	if l.done() || changed {
		wiringEnsureEmpty(spec, "redundancy")
		wiringEnsureEmpty(spec, "boot")
		wiringEnsureEmpty(spec, "ecmp")
	}
}

func swContains(items []interface{}, s string) bool {
	for _, it := range items {
		if v, ok := it.(string); ok && v == s {
			return true
		}
	}
	return false
}

// swSortStrings sorts a list of strings in place and reports whether the
// order changed; lists holding anything else are left alone.
func swSortStrings(items []interface{}) bool {
	for _, it := range items {
		if _, ok := it.(string); !ok {
			return false
		}
	}
	less := func(i, j int) bool { return items[i].(string) < items[j].(string) }
	if sort.SliceIsSorted(items, less) {
		return false
	}
	sort.SliceStable(items, less)
	return true
}

// Switch roles.
func swIsLeaf(role string) bool {
	return role == "server-leaf" || role == "border-leaf" || role == "mixed-leaf"
}

func swIsSpine(role string) bool { return role == "spine" }
