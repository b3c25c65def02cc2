package drift

import (
	"sort"
	"strconv"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// walker compares, measures and prunes object trees. It tracks the JSON
// pointer of the node being visited so that ignore rules and the
// normalisation drops apply uniformly to comparing and to rendering.
type walker struct {
	// rules are the ignore rules that apply to the current object; owned
	// the fieldsV1 sets of the managers whose fields it leaves out
	// (ManagerRule).
	rules []compiledRule
	owned []map[string]interface{}
	// strict makes fields only in the cluster drift.
	strict bool
	// identity drops apiVersion, kind, metadata.name and metadata.namespace,
	// which the identity match already compared.
	identity bool
	path     []string
	// nodes are the schema nodes of path (nil: no schema there); root is
	// the object's, nil when the comparison has no write-path model.
	nodes []*writepath.Node
	root  *writepath.Node
	// atomic counts the atomic lists the current path is inside: an apply
	// replaces such a list whole, so every field in it is compared.
	atomic int

	// actual is the cluster object; its last-applied annotation is read
	// into laRaw on first need, and its deployer is found on first need.
	actual map[string]interface{}
	laRead bool
	laRaw  string
	dep    *deployer

	diffs []pendingDiff
}

type pendingDiff struct {
	segs []string
	diff FieldDiff
}

// push enters a map key and reports whether the server keeps it (a key
// the schema does not declare is pruned).
func (w *walker) push(s string) bool {
	var n *writepath.Node
	known := true
	switch {
	case len(w.path) == 0:
		if s == "metadata" {
			break // decoded as ObjectMeta, not by the schema
		}
		n, known = w.root.Child(s)
	default:
		if parent := w.nodes[len(w.nodes)-1]; parent != nil {
			n, known = parent.Child(s)
		}
	}
	w.path = append(w.path, s)
	w.nodes = append(w.nodes, n)
	return known
}

// pushIndex enters a list element.
func (w *walker) pushIndex(i int) {
	var n *writepath.Node
	if len(w.nodes) > 0 {
		n = w.nodes[len(w.nodes)-1].Items()
	}
	w.path = append(w.path, strconv.Itoa(i))
	w.nodes = append(w.nodes, n)
}

func (w *walker) pop() {
	w.path = w.path[:len(w.path)-1]
	w.nodes = w.nodes[:len(w.nodes)-1]
}

// node is the schema of the current path.
func (w *walker) node() *writepath.Node {
	if len(w.nodes) == 0 {
		return w.root
	}
	return w.nodes[len(w.nodes)-1]
}

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
	for _, set := range w.owned {
		if ownedWhole(set, p) {
			return true
		}
	}
	return false
}

// ownedWhole reports whether a fieldsV1 set owns the field at path p as a
// whole: a leaf of the set on the way down p's map keys (a field, or a
// list or map owned atomically).
func ownedWhole(set map[string]interface{}, p []string) bool {
	cur := set
	for _, seg := range p {
		next, ok := cur["f:"+seg].(map[string]interface{})
		if !ok {
			return false
		}
		if _, self := next["."]; len(next) == 0 || (len(next) == 1 && self) {
			return true
		}
		cur = next
	}
	return false
}

// present reports whether a value at the current path survives pruning:
// it is not null, and not a non-empty map whose every entry is ignored or
// pruned. Empty maps and lists are values: an apply stores them.
func (w *walker) present(v interface{}) bool {
	switch t := v.(type) {
	case nil:
		return false
	case map[string]interface{}:
		if len(t) == 0 {
			return !w.inMetadata()
		}
		for k, c := range t {
			known := w.push(k)
			ok := known && !w.ignored() && w.present(c)
			w.pop()
			if ok {
				return true
			}
		}
		return false
	case []interface{}:
		return len(t) > 0 || !w.inMetadata()
	}
	return true
}

// inMetadata reports whether the current path is below metadata, where the
// server decodes ObjectMeta and so stores an empty map or list as absent.
func (w *walker) inMetadata() bool { return len(w.path) > 1 && w.path[0] == "metadata" }

// prune returns a normalised copy of a value at the current path without
// ignored or pruned subtrees and nulls; nil when nothing is left. Empty maps
// and lists are kept; a map emptied by ignoring is dropped. List elements
// keep their positions (an ignored element becomes null).
func (w *walker) prune(v interface{}) interface{} {
	switch t := v.(type) {
	case nil:
		return nil
	case map[string]interface{}:
		if len(t) == 0 {
			if w.inMetadata() {
				return nil
			}
			return map[string]interface{}{}
		}
		var out map[string]interface{}
		for k, c := range t {
			if w.push(k) && !w.ignored() {
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
		if len(t) == 0 && w.inMetadata() {
			return nil
		}
		out := make([]interface{}, len(t))
		for i, c := range t {
			w.pushIndex(i)
			if !w.ignored() {
				out[i] = w.prune(c)
			}
			w.pop()
		}
		return out
	}
	return canonicalScalar(v)
}

// walkValue compares a desired and an actual value at the current path,
// both present, as an apply of the desired value onto the actual one would
// leave it: maps merge key by key, lists are replaced whole (atomic), and
// scalars are replaced.
func (w *walker) walkValue(dv, av interface{}) {
	if len(w.path) == 1 && w.path[0] == "metadata" {
		if d, a, ok := metadataMaps(dv, av); ok {
			w.walkMap(d, a)
			return
		}
	}
	switch d := dv.(type) {
	case map[string]interface{}:
		if a, ok := av.(map[string]interface{}); ok {
			w.walkMap(d, a)
			return
		}
	case []interface{}:
		if a, ok := av.([]interface{}); ok && len(a) == len(d) {
			w.atomic++
			for i := range d {
				w.pushIndex(i)
				if !w.ignored() {
					w.walkElement(d[i], a[i])
				}
				w.pop()
			}
			w.atomic--
			return
		}
	default:
		if scalarEqual(d, av) {
			return
		}
	}
	w.judge(dv, av)
}

// walkElement compares the elements of two lists at the same index.
func (w *walker) walkElement(dv, av interface{}) {
	switch {
	case dv == nil && av == nil:
	case dv == nil:
		w.onlyInCluster(av)
	case av == nil:
		w.emit(DiffOnlyInGit, w.prune(dv), nil)
	default:
		w.walkValue(dv, av)
	}
}

// judge records the difference of two values that cannot be walked in step.
func (w *walker) judge(dv, av interface{}) {
	dp, ap := w.present(dv), w.present(av)
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

// walkMap compares two maps entry by entry. The actual map usually holds
// every desired key and more, so it is walked first and the desired one
// only when it has keys the actual one lacks. A desired key the schema does
// not declare is pruned by the server and never compared.
func (w *walker) walkMap(d, a map[string]interface{}) {
	matched := 0
	for k, av := range a {
		dv, found := d[k]
		if found {
			matched++
		}
		if av == nil && dv == nil {
			continue
		}
		known := w.push(k)
		if !w.ignored() {
			switch {
			case dv == nil:
				w.onlyInCluster(av)
			case !known:
			case av == nil:
				if w.present(dv) {
					w.emit(DiffOnlyInGit, w.prune(dv), nil)
				}
			default:
				w.walkValue(dv, av)
			}
		}
		w.pop()
	}
	if matched == len(d) {
		return
	}
	for k, dv := range d {
		if _, ok := a[k]; ok || dv == nil {
			continue
		}
		if w.push(k) && !w.ignored() && w.present(dv) {
			w.emit(DiffOnlyInGit, w.prune(dv), nil)
		}
		w.pop()
	}
}

// onlyInCluster judges a value that the cluster has and Git does not set.
// An apply leaves it alone, so it is no drift, unless
//   - strict mode is on;
//   - it is inside an atomic list Git sets: the apply replaces the list, and
//     only the schema's default could put the value back;
//   - the deployer applied it before and Git no longer sets it (the
//     last-applied configuration for client-side apply, the deployer's
//     managed fields for server-side apply): the apply removes it, and again
//     only the schema's default could put it back.
func (w *walker) onlyInCluster(av interface{}) {
	if !w.present(av) {
		return
	}
	if !w.strict {
		switch {
		case w.atomic > 0:
			if w.root == nil || w.defaultEquals(av) {
				return // without a schema, assume a server default
			}
		case w.removedByApply():
			if w.defaultEquals(av) {
				return
			}
		case w.dep.mode == ModeServerSide && w.dep.shares(w.path):
			// The deployer owns some of the map's fields, others own the
			// rest: the apply removes the deployer's alone.
			if m, ok := av.(map[string]interface{}); ok {
				for k, c := range m {
					if w.push(k) && !w.ignored() && c != nil {
						w.onlyInCluster(c)
					}
					w.pop()
				}
			}
			return
		default:
			return
		}
	}
	w.emit(DiffOnlyInCluster, nil, w.prune(av))
}

// defaultEquals reports whether the schema defaults the current field to av.
func (w *walker) defaultEquals(av interface{}) bool {
	d, ok := w.node().Default()
	return ok && valueEqual(d, av)
}

// valueEqual compares two decoded values exactly, numbers by value.
func valueEqual(d, a interface{}) bool {
	switch dt := d.(type) {
	case map[string]interface{}:
		at, ok := a.(map[string]interface{})
		if !ok || len(at) != len(dt) {
			return false
		}
		for k, v := range dt {
			if av, ok := at[k]; !ok || !valueEqual(v, av) {
				return false
			}
		}
		return true
	case []interface{}:
		at, ok := a.([]interface{})
		if !ok || len(at) != len(dt) {
			return false
		}
		for i := range dt {
			if !valueEqual(dt[i], at[i]) {
				return false
			}
		}
		return true
	case nil:
		return a == nil
	}
	return scalarEqual(d, a)
}

// removedByApply reports whether applying Git removes the field at the
// current path, which the cluster has and Git does not set.
func (w *walker) removedByApply() bool {
	if w.dep == nil {
		w.dep = findDeployer(w.actual)
	}
	if w.dep.mode == ModeServerSide {
		return w.dep.ownsAlone(w.path)
	}
	return w.lastAppliedHas()
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
	w.nodes = w.nodes[:0]
	w.atomic = 0
	w.actual = actual
	w.laRead, w.laRaw = false, ""
	w.dep = nil
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
