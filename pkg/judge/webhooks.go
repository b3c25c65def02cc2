package judge

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// Webhooks decides, per object, whether the desired object is compared in
// the form the fabric's Hedgehog mutating webhooks store: the API server
// applies the schema's defaults, then the webhook's Default() — so the
// desired copy gets the same two steps in the same order.
//
// The mode comes from the fabric config (hedgehog.webhooks): "on" always,
// "off" never, "auto" on evidence:
//
//   - an object whose webhook adds labels (VPC, Switch, Connection, ...)
//     is defaulted when its cluster copy carries every label the webhook
//     gives the defaulted Git copy, at least one of them absent from the
//     Git copy itself;
//   - any other object (one the webhook leaves unlabelled, such as a
//     Server, an IPv4Namespace or an MCLAG Connection; one whose labels
//     differ because a field they are derived from changed; one whose Git
//     copy carries the labels already) is defaulted when the fabric shows
//     the webhook elsewhere — another object of the fabric is defaulted by
//     the rule above — unless the webhook would label it and its cluster
//     copy carries none of the webhook's labels: that object was stored
//     without the webhook.
//
// SwitchGroup has no webhook and is never defaulted.
type Webhooks struct {
	mode  string
	model *writepath.Model
	// fabric is the fabric-level evidence; sticky once seen.
	fabric bool
}

// evidence is what one cluster copy says about the webhook.
type evidence int

const (
	undecided evidence = iota
	// stored: the cluster copy carries the webhook's labels.
	stored
	// bypassed: the cluster copy lacks a label the webhook derives from
	// it (Observe).
	bypassed
)

// NewWebhooks prepares the defaulting of a fabric's desired objects, with
// the fabric-level evidence read from actual (may be nil).
func NewWebhooks(fab *fabric.Fabric, model *writepath.Model, actual resource.Set) *Webhooks {
	w := &Webhooks{mode: fabric.WebhooksAuto, model: model}
	if fab != nil {
		w.mode = fab.WebhookMode()
	}
	if w.mode == fabric.WebhooksAuto {
		w.Observe(actual)
	}
	return w
}

// Observe looks for the webhook's mark in cluster objects (a watcher calls
// it as objects arrive): once one carries it, the fabric-level evidence
// holds.
func (w *Webhooks) Observe(actual resource.Set) {
	if w == nil || w.fabric || w.mode != fabric.WebhooksAuto {
		return
	}
	w.fabric = ShowsWebhook(actual)
}

// FabricEvidence reports whether some cluster object of the fabric shows
// the webhook's mark.
func (w *Webhooks) FabricEvidence() bool { return w != nil && w.fabric }

// Desired returns the object as the comparison sees it: d itself, or a
// defaulted copy. a is the cluster copy (nil when absent: nothing is
// compared field by field then, and d is returned).
func (w *Webhooks) Desired(d, a *resource.Object) *resource.Object {
	if !w.applies(d, a) {
		return d
	}
	it := item{d: d, a: a}
	w.prepare(&it)
	if it.ev == stored {
		w.fabric = true
	}
	return w.decide(&it)
}

// DesiredSet returns the desired side as compared: each object that the
// cluster has too through Desired, the fabric-level evidence read from
// every pair first. Large sets are defaulted on several goroutines.
func (w *Webhooks) DesiredSet(desired, actual resource.Set) resource.Set {
	if w == nil || w.mode == fabric.WebhooksOff {
		return desired
	}
	out := make(resource.Set, len(desired))
	var items []item
	for k, d := range desired {
		out[k] = d
		if a := actual[k]; w.applies(d, a) {
			items = append(items, item{d: d, a: a})
		}
	}
	parallel(len(items), func(i int) { w.prepare(&items[i]) })
	for i := range items {
		if items[i].ev == stored {
			w.fabric = true
			break
		}
	}
	parallel(len(items), func(i int) { items[i].out = w.decide(&items[i]) })
	for _, it := range items {
		out[it.d.Key] = it.out
	}
	return out
}

// item is one pair being decided: c is d defaulted (nil until needed).
type item struct {
	d, a, c, out *resource.Object
	ev           evidence
}

func (w *Webhooks) applies(d, a *resource.Object) bool {
	return w != nil && w.mode != fabric.WebhooksOff && d != nil && a != nil && d.Obj != nil && a.Obj != nil && hedgehog.HasWebhook(d.Key.Kind)
}

// prepare defaults the pair's desired copy where the mode or the cluster
// copy's labels call for it, and reads the pair's evidence.
func (w *Webhooks) prepare(it *item) {
	if w.mode == fabric.WebhooksOn {
		it.c = w.defaulted(it.d)
		return
	}
	if !hasMark(it.a.Obj.Object) {
		return // undecided, or bypassed once the defaulted copy shows labels
	}
	it.c = w.defaulted(it.d)
	it.ev = pairEvidence(it.c, it.d, it.a)
}

// decide picks the desired copy compared for a prepared pair, once the
// fabric-level evidence is known.
func (w *Webhooks) decide(it *item) *resource.Object {
	switch {
	case w.mode == fabric.WebhooksOn || it.ev == stored:
		return it.c
	case !w.fabric:
		return it.d
	}
	if it.c == nil {
		it.c = w.defaulted(it.d)
	}
	if !hasMark(it.a.Obj.Object) && hasMark(it.c.Obj.Object) {
		return it.d // the webhook labels this object; the cluster copy has none
	}
	return it.c
}

// pairEvidence: the cluster copy a carries every label the webhook gives
// the defaulted desired copy c, one of them at least not in Git's copy d.
// Anything else (a label missing or different: also a real change of the
// field the label is derived from) leaves the pair to the fabric-level
// evidence.
func pairEvidence(c, d, a *resource.Object) evidence {
	have, git := a.Obj.GetLabels(), d.Obj.GetLabels()
	n, newToGit := 0, false
	for k, v := range c.Obj.GetLabels() {
		if !strings.Contains(k, hedgehog.FabricLabelMark) {
			continue
		}
		n++
		if got, ok := have[k]; !ok || got != v {
			return undecided
		}
		if gv, ok := git[k]; !ok || gv != v {
			newToGit = true
		}
	}
	if n == 0 || !newToGit {
		return undecided
	}
	return stored
}

// parallel runs fn(0..n-1) on GOMAXPROCS goroutines when n is large.
func parallel(n int, fn func(int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 512 || workers < 2 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := int(next.Add(64)) - 64
				if start >= n {
					return
				}
				for i := start; i < min(start+64, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}

// defaulted returns a copy of d with the schema's defaults, then the
// webhook's, applied.
func (w *Webhooks) defaulted(d *resource.Object) *resource.Object {
	c := d.Obj.DeepCopy()
	if w.model != nil {
		w.model.ApplyDefaults(c.Object)
	}
	if !hedgehog.Default(c) {
		return d
	}
	if d.Obj.GetNamespace() == "" {
		// The namespace is part of the identity, already matched; the
		// webhook's "default" says nothing about the object's fields.
		c.SetNamespace("")
	}
	return &resource.Object{Key: d.Key, Obj: c, Origin: d.Origin}
}

// clusterEvidence reads one cluster copy: does it carry every label the
// webhook derives from it, one of them at least not in the Git copy d
// (nil: not asked)?
func clusterEvidence(d, a *resource.Object) evidence {
	// The key's kind is the object's (resource.KeyOf), and the labels are
	// looked at in place first: most objects carry no mark, and every
	// cluster object of a fabric comes through here (ShowsWebhook).
	if a == nil || a.Obj == nil || !hedgehog.HasWebhook(a.Key.Kind) || !hasMark(a.Obj.Object) {
		return undecided // unmarked: decided by the caller, which knows the desired copy
	}
	have := a.Obj.GetLabels()
	c := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": a.Obj.GetAPIVersion(), "kind": a.Obj.GetKind(),
		"metadata": map[string]interface{}{"name": a.Obj.GetName(), "namespace": a.Obj.GetNamespace(), "labels": labelsCopy(have)},
	}}
	if spec, ok := a.Obj.Object["spec"]; ok {
		c.Object["spec"] = deepCopyValue(spec)
	}
	hedgehog.Default(c)
	want := c.GetLabels()
	var gitLabels map[string]string
	if d != nil && d.Obj != nil {
		gitLabels = d.Obj.GetLabels()
	}
	n, newToGit := 0, false
	for k, v := range want {
		if !strings.Contains(k, hedgehog.FabricLabelMark) {
			continue
		}
		n++
		if got, ok := have[k]; !ok || got != v {
			return bypassed
		}
		if gv, ok := gitLabels[k]; !ok || gv != v {
			newToGit = true
		}
	}
	if n == 0 || !newToGit {
		return undecided
	}
	return stored
}

// hasMark reports whether an object carries a label of the webhook's
// (hedgehog.FabricLabelMark), reading its labels in place.
func hasMark(obj map[string]interface{}) bool {
	md, _ := obj["metadata"].(map[string]interface{})
	labels, _ := md["labels"].(map[string]interface{})
	for k := range labels {
		if strings.Contains(k, hedgehog.FabricLabelMark) {
			return true
		}
	}
	return false
}

func labelsCopy(in map[string]string) map[string]interface{} {
	out := make(map[string]interface{}, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

func deepCopyValue(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, c := range t {
			out[k] = deepCopyValue(c)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, c := range t {
			out[i] = deepCopyValue(c)
		}
		return out
	}
	return v
}
