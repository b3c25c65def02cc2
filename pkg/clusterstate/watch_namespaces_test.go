package clusterstate

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func ipnsDoc(name, ns, subnet string) string {
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n  subnets: [" + subnet + "]\n"
}

// A watch over a fabric's namespaces starts an informer per kind and
// namespace: the initial objects and the events come from each namespace,
// and none from a namespace the fabric does not span; Stop ends them all.
func TestStartWatchCoversEveryNamespace(t *testing.T) {
	cp := testbed.StartT(t)
	cp.Apply(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns-b}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns-other}\n")
	cp.Apply(t, ipnsDoc("a", "ns-a", "10.1.0.0/16")+"---\n"+ipnsDoc("b", "ns-b", "10.2.0.0/16")+"---\n"+ipnsDoc("o", "ns-other", "10.3.0.0/16"))
	r := newReader(t, cp)
	r.Namespace, r.Namespaces = "ns-a", []string{"ns-a", "ns-b"}
	ipns, _ := kinds.Lookup("ipns")
	ctx := t.Context()
	if _, err := r.Load(ctx, []*kinds.Kind{ipns}, ""); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()

	events := make(chan Event, 16)
	w, err := r.StartWatch(ctx, []*kinds.Kind{ipns}, events, WatchOptions{SyncTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	key := func(ns, name string) resource.Key {
		return resource.Key{Kind: "IPv4Namespace", Namespace: ns, Name: name}
	}
	if len(w.Initial) != 2 || w.Initial[key("ns-a", "a")] == nil || w.Initial[key("ns-b", "b")] == nil {
		t.Errorf("initial objects %v, want ns-a/a and ns-b/b", w.Initial)
	}
	cp.Apply(t, ipnsDoc("o2", "ns-other", "10.4.0.0/16")+"---\n"+ipnsDoc("b2", "ns-b", "10.5.0.0/16"))
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	select {
	case ev := <-events:
		if ev.Key != key("ns-b", "b2") || ev.Obj == nil {
			t.Errorf("event %v, want ns-b/b2 added (ns-other is not watched)", ev.Key)
		}
	case <-wait.Done():
		t.Fatal("no event from the second namespace")
	}
	w.Stop()
	waitGoroutines(t, before)
}
