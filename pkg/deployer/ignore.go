package deployer

// An Argo CD Application's spec.ignoreDifferences: what Argo CD leaves out
// when it compares Git with the cluster. drift follows it, so that it does
// not report as drift what the deployer itself declares in sync.

import (
	"fmt"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// IgnoreDifference is one entry of an Application's spec.ignoreDifferences.
// Argo CD selects objects by Group and Kind as globs (an empty one matches
// only the empty group or kind), Name and Namespace exactly (empty: any),
// and leaves out each JSON pointer's field on both sides, the fields the
// managers own in the cluster, and what the jq path expressions select.
type IgnoreDifference struct {
	// Source names the entry in notes: "Argo CD Application argocd/lab:
	// ignoreDifferences[2]" when empty (IgnoreRules fills it in).
	Source                       string
	Group, Kind, Name, Namespace string
	JSONPointers                 []string
	JQPathExpressions            []string
	ManagedFieldsManagers        []string
}

// ignoreDifferences reads an Application's spec.ignoreDifferences; entries
// that are not maps are skipped, as Argo CD's API would refuse them.
func ignoreDifferences(u *unstructured.Unstructured) []IgnoreDifference {
	list, _, _ := unstructured.NestedSlice(u.Object, "spec", "ignoreDifferences")
	var out []IgnoreDifference
	for _, e := range list {
		m, ok := e.(map[string]interface{})
		if !ok {
			continue
		}
		str := func(k string) string { s, _ := m[k].(string); return s }
		strs := func(k string) []string { s, _, _ := unstructured.NestedStringSlice(m, k); return s }
		out = append(out, IgnoreDifference{
			Group: str("group"), Kind: str("kind"), Name: str("name"), Namespace: str("namespace"),
			JSONPointers: strs("jsonPointers"), JQPathExpressions: strs("jqPathExpressions"),
			ManagedFieldsManagers: strs("managedFieldsManagers"),
		})
	}
	return out
}

// IgnoreRules turns ignoreDifferences into the fabric's ignore rules: one
// per managed kind an entry selects, with the entry's name, namespace and
// JSON pointers, one with its managed-fields managers (whose fields in the
// cluster win over Git) and one with its jq path expressions. Notes say
// what is not followed: pointers and expressions that do not parse.
// app names the Application in the notes.
func IgnoreRules(app string, entries []IgnoreDifference) (rules []fabric.IgnoreRule, notes []string) {
	for i, e := range entries {
		if e.Source == "" {
			e.Source = fmt.Sprintf("Argo CD Application %s: ignoreDifferences[%d]", app, i)
		}
		// A name with glob characters is no Kubernetes name: it selects nothing.
		if strings.ContainsAny(e.Name, `*?[\`) {
			continue
		}
		if len(e.ManagedFieldsManagers) > 0 {
			for _, k := range selected(e) {
				rules = append(rules, fabric.IgnoreRule{Kind: k, Name: e.Name, Namespace: e.Namespace, Managers: e.ManagedFieldsManagers})
			}
		}
		var exprs []string
		for _, x := range e.JQPathExpressions {
			if _, err := drift.CompileJQ(x); err != nil {
				notes = append(notes, fmt.Sprintf("%s: %v; not followed", e.Source, err))
				continue
			}
			exprs = append(exprs, x)
		}
		if len(exprs) > 0 {
			for _, k := range selected(e) {
				rules = append(rules, fabric.IgnoreRule{Kind: k, Name: e.Name, Namespace: e.Namespace, JQPathExpressions: exprs})
			}
		}
		if len(e.JSONPointers) == 0 {
			continue
		}
		var paths []string
		for _, p := range e.JSONPointers {
			if _, err := drift.ParsePointer(p); err != nil || p == "" {
				notes = append(notes, fmt.Sprintf("%s: %q is not a JSON pointer; not followed", e.Source, p))
				continue
			}
			paths = append(paths, p)
		}
		if len(paths) == 0 {
			continue
		}
		for _, k := range selected(e) {
			rules = append(rules, fabric.IgnoreRule{Kind: k, Name: e.Name, Namespace: e.Namespace, Paths: paths})
		}
	}
	return rules, notes
}

// selected returns the managed kinds an entry's group and kind select.
func selected(e IgnoreDifference) []string {
	var out []string
	for _, k := range kinds.All() {
		if globMatch(e.Group, k.Group) && globMatch(e.Kind, k.Kind) {
			out = append(out, k.Kind)
		}
	}
	return out
}

// globMatch matches as Argo CD matches a group or kind: the pattern is a
// glob, and an empty pattern matches only the empty string.
func globMatch(pattern, s string) bool {
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}
