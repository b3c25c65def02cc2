// Package clusterstate reads a fabric's actual state from its cluster: it
// discovers which versions of the managed kinds the cluster serves and LISTs
// them concurrently, page by page.
package clusterstate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// DefaultPageSize is the LIST page size (the `limit` parameter).
const DefaultPageSize = 500

// Reader reads managed objects from one cluster.
type Reader struct {
	Dynamic   dynamic.Interface
	Discovery Discovery
	// Namespace is the fabric's namespace (Get reads from it).
	Namespace string
	// Namespaces, when more than one, are every namespace the fabric
	// spans: Load lists each of them. Empty means Namespace alone.
	Namespaces []string
	// Host is the server address, used in errors (never credentials).
	Host string
	// PageSize is the LIST limit; 0 means DefaultPageSize.
	PageSize int64
	// Progress, when set, is called as each kind's LIST completes, with
	// the number of objects read (from several goroutines).
	Progress func(kind string, n int)
	// Shared, when set, is the cluster's LISTs shared with the readers of
	// other namespaces (see SharedLists): Load takes its objects from them.
	Shared *SharedLists
}

// NotServedError says that the cluster does not serve a managed kind.
type NotServedError struct {
	Kind *kinds.Kind
	Host string
}

func (e *NotServedError) Error() string {
	return fmt.Sprintf("the cluster at %s does not serve %s (%s): is the CRD %s installed?",
		e.Host, e.Kind.Kind, e.Kind.Group, e.Kind.CRDName())
}

// Resolve asks discovery which version of each kind the cluster serves,
// preferring the group's preferred version. It returns the kinds at the
// served versions, in the same order.
func (r *Reader) Resolve(ctx context.Context, ks []*kinds.Kind) ([]*kinds.Kind, error) {
	groups, err := r.Discovery.ServerGroupsWithContext(ctx)
	if err != nil {
		return nil, r.wrap(err, "discovering API groups")
	}
	// For each group of interest, the versions in preference order.
	versions := map[string][]string{}
	for _, g := range groups.Groups {
		if g.Name != kinds.GroupVPC && g.Name != kinds.GroupWiring {
			continue
		}
		vs := []string{g.PreferredVersion.Version}
		for _, v := range g.Versions {
			if v.Version != g.PreferredVersion.Version {
				vs = append(vs, v.Version)
			}
		}
		versions[g.Name] = vs
	}
	// Resources served per group/version, fetched once each.
	served := map[string]map[string]bool{}
	servedIn := func(gv string) (map[string]bool, error) {
		if m, ok := served[gv]; ok {
			return m, nil
		}
		list, err := r.Discovery.ServerResourcesForGroupVersionWithContext(ctx, gv)
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, r.wrap(err, "discovering "+gv)
		}
		m := map[string]bool{}
		if list != nil {
			for _, res := range list.APIResources {
				m[res.Name] = true
			}
		}
		served[gv] = m
		return m, nil
	}
	out := make([]*kinds.Kind, 0, len(ks))
	var errs []error
	for _, k := range ks {
		found := false
		for _, v := range versions[k.Group] {
			m, err := servedIn(k.Group + "/" + v)
			if err != nil {
				return nil, err
			}
			if m[k.Plural] {
				out = append(out, k.WithVersion(v))
				found = true
				break
			}
		}
		if !found {
			errs = append(errs, &NotServedError{Kind: k, Host: r.Host})
		}
	}
	return out, errors.Join(errs...)
}

// Load lists every object of the given kinds (at the versions given; see
// Resolve) in the reader's namespaces, concurrently per kind and paginated.
// selector is a label selector ("" for all).
func (r *Reader) Load(ctx context.Context, ks []*kinds.Kind, selector string) (resource.Set, error) {
	type result struct {
		items []unstructured.Unstructured
		err   error
	}
	results := make([]result, len(ks))
	var wg sync.WaitGroup
	for i, k := range ks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items, err := r.listAll(ctx, k, selector)
			results[i] = result{items, err}
			if r.Progress != nil {
				r.Progress(k.Kind, len(items))
			}
		}()
	}
	wg.Wait()
	set := resource.Set{}
	var errs []error
	for i, res := range results {
		if res.err != nil {
			errs = append(errs, res.err)
			continue
		}
		for j := range res.items {
			u := &res.items[j]
			// LIST items carry the list's apiVersion/kind only when the
			// server adds them; make sure they are set.
			u.SetAPIVersion(ks[i].APIVersion())
			u.SetKind(ks[i].Kind)
			key := resource.KeyOf(u)
			set[key] = &resource.Object{Key: key, Obj: u}
		}
	}
	return set, errors.Join(errs...)
}

// namespaces returns the namespaces Load lists.
func (r *Reader) namespaces() []string {
	if len(r.Namespaces) == 0 {
		return []string{r.Namespace}
	}
	return r.Namespaces
}

// listAll lists one kind in each of the reader's namespaces, one after the
// other (a LIST per namespace needs no cluster-wide permission), sorted by
// namespace and name.
func (r *Reader) listAll(ctx context.Context, k *kinds.Kind, selector string) ([]unstructured.Unstructured, error) {
	if r.Shared != nil {
		items, ok, err := r.Shared.list(ctx, r, k, selector)
		if ok {
			return items, err
		}
	}
	var items []unstructured.Unstructured
	for _, ns := range r.namespaces() {
		got, err := r.listIn(ctx, k, ns, selector)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	sortItems(items)
	return items, nil
}

// sortItems sorts LIST items by namespace and name. Each item's namespace
// and name are read once, and items already in order (as the API server
// returns them) are left as they are.
func sortItems(items []unstructured.Unstructured) {
	type keyed struct {
		ns, name string
		u        unstructured.Unstructured
	}
	keys := make([]keyed, len(items))
	sorted := true
	for i, u := range items {
		keys[i] = keyed{u.GetNamespace(), u.GetName(), u}
		if i > 0 && sorted {
			sorted = compareKeyed(keys[i-1].ns, keys[i-1].name, keys[i].ns, keys[i].name) <= 0
		}
	}
	if sorted {
		return
	}
	slices.SortFunc(keys, func(a, b keyed) int { return compareKeyed(a.ns, a.name, b.ns, b.name) })
	for i := range keys {
		items[i] = keys[i].u
	}
}

// compareKeyed orders by namespace, then name.
func compareKeyed(ns1, name1, ns2, name2 string) int {
	return cmp.Or(strings.Compare(ns1, ns2), strings.Compare(name1, name2))
}

func (r *Reader) listIn(ctx context.Context, k *kinds.Kind, ns, selector string) ([]unstructured.Unstructured, error) {
	limit := r.PageSize
	if limit == 0 {
		limit = DefaultPageSize
	}
	fetch := r.Dynamic.Resource(k.GVR()).Namespace(ns).List
	if d, ok := r.Dynamic.(*Dynamic); ok {
		fetch = func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
			return d.List(ctx, k.GVR(), ns, opts)
		}
	}
	var items []unstructured.Unstructured
	opts := metav1.ListOptions{LabelSelector: selector, Limit: limit}
	for {
		list, err := fetch(ctx, opts)
		if err != nil {
			if apierrors.IsNotFound(err) {
				return nil, &NotServedError{Kind: k, Host: r.Host}
			}
			return nil, r.wrap(err, "listing "+k.Plural)
		}
		if items == nil {
			items = list.Items
		} else {
			items = append(items, list.Items...)
		}
		opts.Continue = list.GetContinue()
		if opts.Continue == "" {
			break
		}
	}
	return items, nil
}

// Get reads one object of the reader's namespace; a missing object is an
// apierrors NotFound error.
func (r *Reader) Get(ctx context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
	return r.GetIn(ctx, k, r.Namespace, name)
}

// GetIn reads one object of namespace (a fabric may span several), as Get.
func (r *Reader) GetIn(ctx context.Context, k *kinds.Kind, namespace, name string) (*unstructured.Unstructured, error) {
	u, err := r.Dynamic.Resource(k.GVR()).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, err
		}
		return nil, r.wrap(err, "getting "+k.Kind+" "+name)
	}
	return u, nil
}

func (r *Reader) wrap(err error, what string) error {
	return fmt.Errorf("%s from the cluster at %s: %w", what, r.Host, err)
}
