package deployer

// Argo CD's system-wide ignoreDifferences, kept in its argocd-cm ConfigMap:
// what Argo CD leaves out of every Application's comparison, on top of the
// Application's own spec.ignoreDifferences.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// ArgoConfigMap is Argo CD's settings ConfigMap.
const ArgoConfigMap = "argocd-cm"

// The argocd-cm keys that hold ignoreDifferences: one key per kind,
// "resource.customizations.ignoreDifferences.<group>_<kind>" (or ".all" for
// every kind), and the older single key holding a map of "<group>/<kind>"
// to customizations, whose ignoreDifferences is YAML text.
const (
	argoIgnoreKeyPrefix      = "resource.customizations.ignoreDifferences."
	argoCustomizationsKey    = "resource.customizations"
	argoAllKinds             = "all"
	argoIgnoreDifferencesKey = "ignoreDifferences"
)

var configMapGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// argoIgnoreSpec is what an argocd-cm ignoreDifferences value holds.
type argoIgnoreSpec struct {
	JSONPointers          []string `json:"jsonPointers"`
	JQPathExpressions     []string `json:"jqPathExpressions"`
	ManagedFieldsManagers []string `json:"managedFieldsManagers"`
}

// SystemIgnoreDifferences reads the system-wide ignoreDifferences from the
// argocd-cm ConfigMap of namespace ns (Argo CD's own). A missing ConfigMap
// is none; another failure to read it is the error. Notes say which values
// do not parse (they are left out).
func SystemIgnoreDifferences(ctx context.Context, dyn dynamic.Interface, ns string) ([]IgnoreDifference, []string, error) {
	u, err := dyn.Resource(configMapGVR).Namespace(ns).Get(ctx, ArgoConfigMap, getOptions)
	if apierrors.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	data, _, _ := unstructured.NestedStringMap(u.Object, "data")
	entries, notes := parseArgoSettings(ns+"/"+ArgoConfigMap, data)
	return entries, notes, nil
}

// parseArgoSettings turns argocd-cm's data into ignoreDifferences entries,
// in the order of their keys. cm names the ConfigMap in notes.
func parseArgoSettings(cm string, data map[string]string) ([]IgnoreDifference, []string) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []IgnoreDifference
	var notes []string
	// add reads one value for the kinds "<group><sep><kind>" names ("all":
	// every kind; no separator: a core kind).
	add := func(source, groupKind, sep, value string) {
		var spec argoIgnoreSpec
		if err := yaml.Unmarshal([]byte(value), &spec); err != nil {
			notes = append(notes, fmt.Sprintf("%s: %v; not followed", source, err))
			return
		}
		e := IgnoreDifference{Source: source, Group: "*", Kind: "*", JSONPointers: spec.JSONPointers,
			JQPathExpressions: spec.JQPathExpressions, ManagedFieldsManagers: spec.ManagedFieldsManagers}
		if groupKind != argoAllKinds {
			var ok bool
			if e.Group, e.Kind, ok = strings.Cut(groupKind, sep); !ok {
				e.Group, e.Kind = "", groupKind
			}
		}
		out = append(out, e)
	}
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, argoIgnoreKeyPrefix):
			// "<group>_<kind>": the group before the first underscore, as
			// Argo CD reads it.
			add(fmt.Sprintf("Argo CD's %s: %s", cm, k), strings.TrimPrefix(k, argoIgnoreKeyPrefix), "_", data[k])
		case k == argoCustomizationsKey:
			var custom map[string]map[string]interface{}
			if err := yaml.Unmarshal([]byte(data[k]), &custom); err != nil {
				notes = append(notes, fmt.Sprintf("Argo CD's %s: %s: %v; not followed", cm, k, err))
				continue
			}
			gks := make([]string, 0, len(custom))
			for gk := range custom {
				gks = append(gks, gk)
			}
			sort.Strings(gks)
			for _, gk := range gks {
				v, ok := custom[gk][argoIgnoreDifferencesKey].(string)
				if !ok {
					continue
				}
				add(fmt.Sprintf("Argo CD's %s: %s: %s", cm, k, gk), gk, "/", v)
			}
		}
	}
	return out, notes
}
