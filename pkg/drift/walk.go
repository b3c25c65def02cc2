package drift

import (
	"sort"
	"strconv"
	"strings"
)

// walker compares, measures and prunes object trees. It tracks the JSON
// pointer of the node being visited so that ignore rules and the
// normalisation drops apply uniformly to comparing and to rendering.
type walker struct {
	// rules are the ignore rules that apply to the current object.
	rules []compiledRule
	// strict makes fields only in the cluster drift.
	strict bool
	// identity drops apiVersion, kind, metadata.name and metadata.namespace,
	// which the identity match already compared.
	identity bool
	path     []string

	// actual is the cluster object; its last-applied annotation is read
	// into laRaw on first need.
	actual map[string]interface{}
	laRead bool
	laRaw  string

	diffs []pendingDiff
}

type pendingDiff struct {
	segs []string
	diff FieldDiff
}

func (w *walker) push(s string) { w.path = append(w.path, s) }
func (w *walker) pop()          { w.path = w.path[:len(w.path)-1] }

// ignored reports whether the current path is left out of comparison.
func (w *walker) ignored() bool {
	p := w.path
	switch len(p) {
	case 1:
		switch p[0] {
		case "status":
			return true
		case "apiVersion", "kind":
			if w.identity {
				return true
			}
		}
	case 2:
		if p[0] == "metadata" {
			if serverMetadata(p[1]) {
				return true
			}
			if w.identity && (p[1] == "name" || p[1] == "namespace") {
				return true
			}
		}
	case 3:
		if p[2] == LastAppliedAnnotation && p[1] == "annotations" && p[0] == "metadata" {
			return true
		}
	}
	for i := range w.rules {
		if w.rules[i].matches(p) {
			return true
		}
	}
	return false
}

// present reports whether a value at the current path survives pruning:
// it is not null, not an empty list, and not a map whose every entry is
// ignored or absent.
func (w *walker) present(v interface{}) bool {
	switch t := v.(type) {
	case nil:
		return false
	case map[string]interface{}:
		for k, c := range t {
			w.push(k)
			ok := !w.ignored() && w.present(c)
			w.pop()
			if ok {
				return true
			}
		}
		return false
	case []interface{}:
		return len(t) > 0
	}
	return true
}

// prune returns a normalised copy of a value at the current path without
// ignored subtrees, nulls and empty maps and lists; nil when nothing is left.
// List elements keep their positions (an ignored element becomes null).
func (w *walker) prune(v interface{}) interface{} {
	switch t := v.(type) {
	case nil:
		return nil
	case map[string]interface{}:
		var out map[string]interface{}
		for k, c := range t {
			w.push(k)
			if !w.ignored() {
				if pc := w.prune(c); pc != nil {
					if out == nil {
						out = make(map[string]interface{}, len(t))
					}
					out[k] = pc
				}
			}
			w.pop()
		}
		if out == nil {
			return nil
		}
		return out
	case []interface{}:
		if len(t) == 0 {
			return nil
		}
		out := make([]interface{}, len(t))
		for i, c := range t {
			w.push(strconv.Itoa(i))
			if !w.ignored() {
				out[i] = w.prune(c)
			}
			w.pop()
		}
		return out
	}
	return canonicalScalar(v)
}

// walkValue compares a desired and an actual value at the current path
// and reports whether each survives pruning. A desired value that prunes to
// nothing is judged exactly as if it were absent, and so is an actual one.
func (w *walker) walkValue(dv, av interface{}) (dp, ap bool) {
	if len(w.path) == 1 && w.path[0] == "metadata" {
		if d, a, ok := metadataMaps(dv, av); ok {
			return w.walkMap(d, a)
		}
	}
	switch d := dv.(type) {
	case map[string]interface{}:
		if a, ok := av.(map[string]interface{}); ok {
			mark := len(w.diffs)
			if dp, ap = w.walkMap(d, a); dp && ap {
				return dp, ap
			}
			// One side holds nothing: judge the other as a whole.
			w.diffs = w.diffs[:mark]
			w.judge(dv, av, dp, ap)
			return dp, ap
		}
	case []interface{}:
		if a, ok := av.([]interface{}); ok && len(a) == len(d) && len(d) > 0 {
			for i := range d {
				w.push(strconv.Itoa(i))
				if !w.ignored() {
					w.walkValue(d[i], a[i])
				}
				w.pop()
			}
			return true, true
		}
	case nil:
	default:
		if scalarEqual(d, av) {
			return true, true
		}
	}
	dp, ap = w.present(dv), w.present(av)
	w.judge(dv, av, dp, ap)
	return dp, ap
}

// judge records the difference of two values that cannot be walked in
// step: dp and ap say whether each survives pruning.
func (w *walker) judge(dv, av interface{}, dp, ap bool) {
	switch {
	case dp && ap:
		w.emit(DiffChanged, w.prune(dv), w.prune(av))
	case dp:
		w.emit(DiffOnlyInGit, w.prune(dv), nil)
	case ap:
		w.onlyInCluster(av)
	}
}

// metadataMaps returns the metadata maps of both sides when each is a map
// or absent. Metadata is always compared entry by entry, even when a side
// holds nothing but ignored fields such as the name, so that labels and
// annotations are judged on their own.
func metadataMaps(dv, av interface{}) (d, a map[string]interface{}, ok bool) {
	d, dok := dv.(map[string]interface{})
	a, aok := av.(map[string]interface{})
	return d, a, (dok || dv == nil) && (aok || av == nil)
}

// walkMap compares two maps entry by entry and reports whether anything
// of each survives pruning. The actual map usually holds every desired key
// and more, so it is walked first and the desired one only when it has
// keys the actual one lacks.
func (w *walker) walkMap(d, a map[string]interface{}) (dp, ap bool) {
	matched := 0
	for k, av := range a {
		dv, found := d[k]
		if found {
			matched++
		} else if av == nil {
			continue
		}
		w.push(k)
		if !w.ignored() {
			cdp, cp := w.walkValue(dv, av)
			dp, ap = dp || cdp, ap || cp
		}
		w.pop()
	}
	if matched == len(d) {
		return dp, ap
	}
	for k, dv := range d {
		if _, ok := a[k]; ok || dv == nil {
			continue
		}
		w.push(k)
		if !w.ignored() {
			cdp, _ := w.walkValue(dv, nil)
			dp = dp || cdp
		}
		w.pop()
	}
	return dp, ap
}

// onlyInCluster judges a value that only the cluster has. In strict mode it
// is drift. Otherwise it is a server default, unless the last-applied
// configuration holds the field: then Git set it once and has removed it
// since, and a client-side apply would delete it. Labels and annotations
// Git does not mention are never drift outside strict mode.
func (w *walker) onlyInCluster(av interface{}) {
	if !w.strict {
		p := w.path
		if len(p) >= 2 && len(p) <= 3 && p[0] == "metadata" && (p[1] == "labels" || p[1] == "annotations") {
			return
		}
		if !w.lastAppliedHas() {
			return
		}
	}
	w.emit(DiffOnlyInCluster, nil, w.prune(av))
}

// lastAppliedHas reports whether the last-applied configuration holds a
// value at the current path that survives pruning. When the path's last map
// key does not occur as a JSON string in the annotation, the answer is no
// without further work; otherwise only the value at the path is decoded.
func (w *walker) lastAppliedHas() bool {
	if !w.laRead {
		w.laRead = true
		w.laRaw = lastAppliedRaw(w.actual)
	}
	if w.laRaw == "" {
		return false
	}
	if k, ok := lastKey(w.path); ok && !containsJSONString(w.laRaw, k) {
		return false
	}
	raw, ok := lookupJSON(w.laRaw, w.path)
	if !ok {
		return false
	}
	switch raw[0] {
	case 'n':
		return false // null
	case '[':
		return strings.TrimSpace(raw[1:len(raw)-1]) != ""
	case '{':
		return w.present(decodeJSON(raw))
	}
	return true
}

func lastAppliedRaw(obj map[string]interface{}) string {
	md, _ := obj["metadata"].(map[string]interface{})
	ann, _ := md["annotations"].(map[string]interface{})
	s, _ := ann[LastAppliedAnnotation].(string)
	return s
}

// lastKey returns the last path segment that cannot be a list index, if
// it is written verbatim in JSON (printable ASCII other than the
// characters encoding/json escapes).
func lastKey(p []string) (string, bool) {
	for i := len(p) - 1; i >= 0; i-- {
		if _, err := strconv.Atoi(p[i]); err == nil {
			continue
		}
		for j := 0; j < len(p[i]); j++ {
			c := p[i][j]
			if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return "", false
			}
		}
		return p[i], true
	}
	return "", false
}

// containsJSONString reports whether s contains k between double quotes.
func containsJSONString(s, k string) bool {
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], k)
		if i < 0 {
			return false
		}
		i += from
		if i > 0 && s[i-1] == '"' && i+len(k) < len(s) && s[i+len(k)] == '"' {
			return true
		}
		from = i + 1
	}
	return false
}

func (w *walker) emit(t DiffType, d, a interface{}) {
	segs := append([]string(nil), w.path...)
	w.diffs = append(w.diffs, pendingDiff{segs: segs, diff: FieldDiff{Desired: d, Actual: a, Type: t}})
}

// reset prepares the walker for a new object pair.
func (w *walker) reset(actual map[string]interface{}) {
	w.path = w.path[:0]
	w.diffs = w.diffs[:0]
	w.actual = actual
	w.laRead, w.laRaw = false, ""
}

// compareObjects returns the sorted differences of two whole objects.
func (w *walker) compareObjects(d, a map[string]interface{}) []FieldDiff {
	w.reset(a)
	w.walkMap(d, a)
	if len(w.diffs) == 0 {
		return nil
	}
	sort.Slice(w.diffs, func(i, j int) bool { return comparePaths(w.diffs[i].segs, w.diffs[j].segs) < 0 })
	out := make([]FieldDiff, len(w.diffs))
	for i, p := range w.diffs {
		out[i] = p.diff
		out[i].Path = FormatPointer(p.segs)
	}
	return out
}
