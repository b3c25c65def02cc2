package clusterstate

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"k8s.io/client-go/dynamic"

	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"
	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Load with NewDynamic's client reads every page of a real API server
// (continue tokens, a label selector, the fabric's namespace only) and
// gives the objects client-go's own dynamic client gives.
func TestLoadReadsEveryPageAsClientGo(t *testing.T) {
	cp := testbed.StartT(t)
	cp.Apply(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: pages}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: elsewhere}\n")
	var docs []string
	for i := range 7 {
		doc := ipnsDoc(fmt.Sprintf("p-%d", i), "pages", fmt.Sprintf("10.%d.0.0/16", 10+i))
		if i == 3 {
			doc = strings.Replace(doc, "namespace: pages}", "namespace: pages, labels: {skip: \"yes\"}}", 1)
		}
		docs = append(docs, doc)
	}
	docs = append(docs, ipnsDoc("o", "elsewhere", "10.99.0.0/16"))
	cp.Apply(t, strings.Join(docs, "---\n"))
	ipns, _ := kinds.Lookup("ipns")

	ours, err := NewDynamic(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := dynamic.NewForConfig(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	load := func(dyn dynamic.Interface, selector string) resource.Set {
		t.Helper()
		r := newReader(t, cp)
		r.Dynamic, r.Namespace, r.PageSize = dyn, "pages", 2
		set, err := r.Load(t.Context(), []*kinds.Kind{ipns}, selector)
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	for _, selector := range []string{"", "skip!=yes"} {
		got, want := load(ours, selector), load(theirs, selector)
		if n := map[string]int{"": 7, "skip!=yes": 6}[selector]; len(got) != n {
			t.Errorf("selector %q: %d objects, want %d", selector, len(got), n)
		}
		if !reflect.DeepEqual(got.Keys(), want.Keys()) {
			t.Errorf("selector %q: keys %v, client-go %v", selector, got.Keys(), want.Keys())
		}
		for k, o := range want {
			g := got[k]
			if g == nil {
				continue
			}
			// Field sets stay text until expanded.
			gm := g.Obj.DeepCopy()
			jsonvalue.ExpandFieldsV1(gm.Object)
			if !reflect.DeepEqual(gm.Object, o.Obj.Object) {
				t.Errorf("%v: %v, client-go %v", k, gm.Object, o.Obj.Object)
			}
		}
	}
}
