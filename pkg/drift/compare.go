package drift

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// parallelThreshold is the number of objects from which Compare spreads
// the work over several goroutines.
const parallelThreshold = 512

// chunkSize is how many objects a worker takes at a time.
const chunkSize = 64

// Compare compares the desired objects (from Git) with the actual objects
// (from the cluster). Every object of either side appears once in the
// result, sorted by kind, namespace and name. The inputs are not modified.
// Large sets are compared on several goroutines; the result is the same.
func Compare(desired, actual resource.Set, opts Options) *Result {
	// Pair the objects up front: looking a Key up hashes three strings.
	pairs := make([]pair, 0, len(desired)+len(actual)/8)
	for k, d := range desired {
		pairs = append(pairs, pair{key: k, d: d, a: actual[k]})
	}
	for k, a := range actual {
		if _, ok := desired[k]; !ok {
			pairs = append(pairs, pair{key: k, a: a})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int { return compareKeys(x.key, y.key) })

	res := &Result{Resources: make([]ResourceResult, len(pairs))}
	c := newComparer(opts)
	workers := runtime.GOMAXPROCS(0)
	if len(pairs) < parallelThreshold || workers < 2 {
		w := c.newWalker()
		for i, p := range pairs {
			res.Resources[i] = c.compareOne(w, p.key, p.d, p.a)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := c.newWalker()
				for {
					start := int(next.Add(chunkSize)) - chunkSize
					if start >= len(pairs) {
						return
					}
					for i := start; i < start+chunkSize && i < len(pairs); i++ {
						p := &pairs[i]
						res.Resources[i] = c.compareOne(w, p.key, p.d, p.a)
					}
				}
			}()
		}
		wg.Wait()
	}
	for i := range res.Resources {
		res.Summary.add(res.Resources[i].Status)
	}
	return res
}

// pair is an object's identity with its desired and actual forms.
type pair struct {
	key  resource.Key
	d, a *resource.Object
}

func compareKeys(a, b resource.Key) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// comparer holds what is shared by all objects of one comparison.
type comparer struct {
	opts  Options
	rules []compiledRule
	// universal is true when every rule applies to every object.
	universal bool
	managers  []compiledManagers
	jq        []compiledJQ
}

func newComparer(opts Options) *comparer {
	c := &comparer{opts: opts, rules: compileRules(opts), universal: true, managers: compileManagers(opts.Managers), jq: compileJQ(opts.JQ)}
	for _, r := range c.rules {
		if (r.kind != "" && r.kind != "*") || r.name != "" || r.namespace != "" {
			c.universal = false
		}
	}
	return c
}

func (c *comparer) newWalker() *walker {
	return &walker{strict: c.opts.Strict, identity: true}
}

// selectRules points the walker at the rules that apply to one object,
// and at the fields its managers' rules leave out of the cluster's copy,
// actual (nil when the cluster has none).
func (c *comparer) selectRules(w *walker, k resource.Key, actual *resource.Object) {
	w.owned = w.owned[:0]
	if len(c.managers) > 0 && actual != nil && actual.Obj != nil {
		w.owned = c.ownedBy(w.owned, k, actual.Obj.Object)
	}
	if c.universal {
		w.rules = c.rules
		return
	}
	w.rules = w.rules[:0]
	for _, r := range c.rules {
		if r.appliesTo(k.Kind, k.Namespace, k.Name) {
			w.rules = append(w.rules, r)
		}
	}
}

// compareOne compares one object; either side may be missing.
func (c *comparer) compareOne(w *walker, k resource.Key, d, a *resource.Object) ResourceResult {
	r := ResourceResult{Kind: k.Kind, Namespace: k.Namespace, Name: k.Name}
	if d != nil && d.Origin != nil {
		r.File, r.Line = d.Origin.File, d.Origin.Line
	}
	switch {
	case d == nil && a == nil:
		r.Status = StatusInSync
	case a == nil:
		r.Status = StatusMissingFromCluster
	case d == nil:
		r.Status = StatusNotInGit
	default:
		c.selectRules(w, k, a)
		w.root = c.root(d, a)
		r.Diffs = w.compareObjects(c.stripJQ(k, d), c.stripJQ(k, a))
		r.Status = StatusInSync
		if len(r.Diffs) > 0 {
			r.Status = StatusDrifted
		}
	}
	return r
}

// content returns an object's fields, never nil.
func content(o *resource.Object) map[string]interface{} {
	if o == nil || o.Obj == nil || o.Obj.Object == nil {
		return map[string]interface{}{}
	}
	return o.Obj.Object
}

// root returns the schema of a compared object (nil without a model).
func (c *comparer) root(d, a *resource.Object) *writepath.Node {
	if c.opts.Model == nil {
		return nil
	}
	apiVersion, kind := identityOf(d, a)
	return c.opts.Model.Root(apiVersion, kind)
}

// compiledManagers is a ManagerRule ready for matching.
type compiledManagers struct {
	sel      compiledRule // its kind, name and namespace
	managers map[string]bool
}

func compileManagers(rules []ManagerRule) []compiledManagers {
	out := make([]compiledManagers, 0, len(rules))
	for _, r := range rules {
		m := compiledManagers{sel: selector(r.Kind, r.Name, r.Namespace), managers: map[string]bool{}}
		for _, name := range r.Managers {
			m.managers[name] = true
		}
		out = append(out, m)
	}
	return out
}

// ownedBy appends the fieldsV1 sets that the managers of the rules
// selecting k own in obj.
func (c *comparer) ownedBy(sets []map[string]interface{}, k resource.Key, obj map[string]interface{}) []map[string]interface{} {
	var entries []managedEntry
	for _, m := range c.managers {
		if !m.sel.appliesTo(k.Kind, k.Namespace, k.Name) {
			continue
		}
		if entries == nil {
			entries = managedEntries(obj)
		}
		for _, e := range entries {
			if m.managers[e.manager] {
				if set := jsonvalue.FieldsV1(e.fieldsV1); set != nil {
					sets = append(sets, set)
				}
			}
		}
	}
	return sets
}
