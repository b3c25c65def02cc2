package hedgehog

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// VLANNamespace: api/wiring/v1beta1/vlannamespace_types.go, api/meta/vlan.go.

func init() {
	register("VLANNamespace", KindRules{
		Webhook:        true,
		Default:        vlanNamespaceDefault,
		Validate:       vlanNamespaceValidate,
		ValidateDelete: vlanNamespaceValidateDelete,
	})
}

// vlanNamespaceDefault: label cleanup, then the range normaliser in place
// (to = from when 0, sorted by from then to), and the upstream bug: any
// invalid range removes spec.ranges entirely.
func vlanNamespaceDefault(obj map[string]interface{}) {
	changed := wiringBeginLabels(obj).done()
	if spec := mapAt(obj, "spec"); spec != nil && wiringNormalizeRanges(spec) {
		changed = true
	}
	if changed {
		wiringEnsureEmpty(obj, "spec")
	}
}

// wiringRange is an inclusive VLAN range as written (0 when absent).
type wiringRange struct{ from, to int64 }

func (w wiringRange) String() string { return wiringItoa(w.from) + "-" + wiringItoa(w.to) }

// valid mirrors the normaliser's checks (after to = from when 0).
func (w wiringRange) valid() bool {
	return w.from <= w.to && w.from >= 1 && w.from <= 4094 && w.to >= 1 && w.to <= 4094
}

// wiringReadRange reads a range item; ok is false when it would not
// decode into the typed object (not a map, or numbers out of uint16).
func wiringReadRange(item interface{}) (m map[string]interface{}, w wiringRange, ok bool) {
	m, _ = item.(map[string]interface{})
	if m == nil {
		return nil, w, false
	}
	for _, f := range [2]struct {
		key string
		dst *int64
	}{{"from", &w.from}, {"to", &w.to}} {
		if m[f.key] == nil {
			continue
		}
		n, isNum := integer(m, f.key)
		if !isNum || n < 0 || n > 65535 {
			return nil, w, false
		}
		*f.dst = n
	}
	return m, w, true
}

// wiringNormalizeRanges edits spec.ranges as the webhook does and reports
// whether it changed anything.
func wiringNormalizeRanges(spec map[string]interface{}) bool {
	items := list(spec, "ranges")
	if len(items) == 0 {
		return false
	}
	ranges := make([]wiringRange, len(items))
	maps := make([]map[string]interface{}, len(items))
	for i, it := range items {
		m, w, ok := wiringReadRange(it)
		if !ok {
			return false // the typed decode fails: the webhook refuses the object
		}
		maps[i], ranges[i] = m, w
	}
	changed := false
	for i := range ranges {
		if ranges[i].to == 0 {
			ranges[i].to = ranges[i].from
			maps[i]["to"] = ranges[i].from
			changed = true
		}
		if !ranges[i].valid() {
			delete(spec, "ranges")
			return true
		}
	}
	if len(items) < 2 {
		return changed
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := ranges[order[a]], ranges[order[b]]
		if ra.from != rb.from {
			return ra.from < rb.from
		}
		return ra.to < rb.to
	})
	for i, o := range order {
		if o != i {
			changed = true
		}
		items[i] = maps[o]
	}
	return changed
}

// wiringRangesOf returns the ranges of a VLANNamespace that decode, with
// to = from when 0 as the normaliser leaves them.
func wiringRangesOf(obj *unstructured.Unstructured) []wiringRange {
	items := list(mapAt(obj.Object, "spec"), "ranges")
	out := make([]wiringRange, 0, len(items))
	for _, it := range items {
		if _, w, ok := wiringReadRange(it); ok {
			if w.to == 0 {
				w.to = w.from
			}
			out = append(out, w)
		}
	}
	return out
}

// wiringTaggedRange is a range with where it comes from, for overlap
// messages.
type wiringTaggedRange struct {
	wiringRange
	src string
}

// wiringOverlaps sorts rs by from, then to, and returns the adjacent
// overlapping pairs: after sorting, any overlap shows between neighbours.
func wiringOverlaps(rs []wiringTaggedRange) [][2]wiringTaggedRange {
	sort.SliceStable(rs, func(a, b int) bool {
		if rs[a].from != rs[b].from {
			return rs[a].from < rs[b].from
		}
		return rs[a].to < rs[b].to
	})
	var out [][2]wiringTaggedRange
	for i := 1; i < len(rs); i++ {
		if rs[i-1].to >= rs[i].from {
			out = append(out, [2]wiringTaggedRange{rs[i-1], rs[i]})
		}
	}
	return out
}

func vlanNamespaceValidate(obj *unstructured.Unstructured, cfg *Config, r *Reporter) {
	wiringCheckLabels(obj, r)
	items := list(mapAt(obj.Object, "spec"), "ranges")
	if len(items) == 0 {
		r.Warn(ScopeLocal, "no-ranges", "spec.ranges",
			"the VLANNamespace has no ranges: none were written, or the webhook removed them all because one was invalid (from > to, or outside 1-4094)",
			"give spec.ranges valid {from, to} ranges within 1-4094")
	}
	var own []wiringTaggedRange
	for i, it := range items {
		_, w, ok := wiringReadRange(it)
		if w.to == 0 {
			w.to = w.from
		}
		if !ok || !w.valid() {
			r.Add(ScopeLocal, "range-invalid", wiringIndexed("spec.ranges", i),
				"range "+w.String()+" is invalid: from and to must be within 1-4094 and from <= to (the webhook removes spec.ranges entirely when one range is invalid)",
				"correct the range")
			continue
		}
		own = append(own, wiringTaggedRange{w, "spec.ranges"})
	}
	if cfg.VPCIRBVLANRange == nil && cfg.TH5WorkaroundVLANRange == nil {
		return
	}
	all := append([]wiringTaggedRange(nil), own...)
	if c := cfg.VPCIRBVLANRange; c != nil {
		all = append(all, wiringTaggedRange{wiringRange{int64(c.From), int64(c.To)}, "the fabric's vpcIRBVLANRange"})
	}
	if c := cfg.TH5WorkaroundVLANRange; c != nil {
		all = append(all, wiringTaggedRange{wiringRange{int64(c.From), int64(c.To)}, "the fabric's th5WorkaroundVLANRange"})
	}
	for _, p := range wiringOverlaps(all) {
		switch {
		case p[0].src == "spec.ranges" && p[1].src == "spec.ranges":
			r.Add(ScopeConfig, "ranges-overlap", "spec.ranges", "ranges "+p[0].String()+" and "+p[1].String()+" overlap",
				"merge the overlapping ranges into one")
		case p[0].src != "spec.ranges" && p[1].src != "spec.ranges":
			// two reserved ranges overlapping each other: the config's problem
		default:
			mine, res := p[0], p[1]
			if mine.src != "spec.ranges" {
				mine, res = res, mine
			}
			r.Add(ScopeConfig, "reserved-overlap", "spec.ranges", "range "+mine.String()+" overlaps "+res.src+" "+res.String(),
				"keep the namespace's ranges clear of the fabric's reserved VLANs")
		}
	}
}

func vlanNamespaceValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	name := obj.GetName()
	if sws := idx.WithLabel("Switch", wiringListVLANNs+name, wiringListValue); len(sws) > 0 {
		r.Add(ScopeFabric, "in-use", "", "VLANNamespace "+name+" is used by switch "+wiringNames(sws),
			"remove it from the switches' spec.vlanNamespaces first")
	}
	if vpcs := idx.WithLabel("VPC", wiringLabelVLANNsOfVPC, name); len(vpcs) > 0 {
		r.Add(ScopeFabric, "in-use", "", "VLANNamespace "+name+" is used by VPC "+wiringNames(vpcs),
			"move or delete those VPCs first")
	}
}

// wiringNames joins the names of objs for a message, at most three.
func wiringNames(objs []*unstructured.Unstructured) string {
	names := make([]string, 0, 4)
	for i, o := range objs {
		if i == 3 {
			names = append(names, "...")
			break
		}
		names = append(names, o.GetName())
	}
	return strings.Join(names, ", ")
}
