package validate

import (
	"errors"
	"fmt"
	"sort"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// DefaultNamespace is the namespace assumed for a namespaced object that names
// none, when Options.DefaultNamespace is empty.
const DefaultNamespace = "default"

// Options tunes a Validator. The zero value is the API server's behaviour.
type Options struct {
	// RejectUnknownFields reports fields the schema does not declare as
	// errors (like the server's fieldValidation=Strict). Without it they are
	// ignored, as the server by default prunes them silently. For GitOps a
	// misspelt field is usually a bug, so strict mode is recommended.
	RejectUnknownFields bool
	// DefaultNamespace is the namespace of a namespaced object that names
	// none (the server takes it from the request). Default: DefaultNamespace.
	DefaultNamespace string
}

// Validator validates objects against the structural schemas of a set of
// CRDs. It is safe for concurrent use; build it once and reuse it.
type Validator struct {
	opts  Options
	kinds map[schema.GroupKind]*crdKind
}

// crdKind is one CRD: the compiled schema of each served version.
type crdKind struct {
	crdName    string
	namespaced bool
	versions   map[string]*compiledVersion
	// served are the served versions in the CRD's order.
	served []string
}

// FromCRDs compiles the schemas of the served versions of the given CRDs,
// with default Options. It fails if a CRD is nil, has a served version
// without a schema or with a schema that is not structural, or serves a kind
// another CRD serves too.
func FromCRDs(crds ...*apiextensionsv1.CustomResourceDefinition) (*Validator, error) {
	v := &Validator{kinds: make(map[schema.GroupKind]*crdKind, len(crds))}
	for i, crd := range crds {
		if crd == nil {
			return nil, fmt.Errorf("CRD %d of %d is nil", i+1, len(crds))
		}
		gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
		if gk.Kind == "" || gk.Group == "" {
			return nil, fmt.Errorf("CRD %s names no group or kind", crd.Name)
		}
		if other, dup := v.kinds[gk]; dup {
			return nil, fmt.Errorf("kind %s is served by both CRD %s and CRD %s", gk, other.crdName, crd.Name)
		}
		k, err := compileCRD(crd)
		if err != nil {
			return nil, err
		}
		v.kinds[gk] = k
	}
	return v, nil
}

// WithOptions returns a Validator with other options that shares the
// compiled schemas of v.
func (v *Validator) WithOptions(opts Options) *Validator {
	return &Validator{opts: opts, kinds: v.kinds}
}

// Options returns the options of v.
func (v *Validator) Options() Options { return v.opts }

// Kinds returns the group, version and kind of every served version the
// Validator can validate, sorted.
func (v *Validator) Kinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for gk, k := range v.kinds {
		for _, ver := range k.served {
			out = append(out, gk.WithVersion(ver))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func compileCRD(crd *apiextensionsv1.CustomResourceDefinition) (*crdKind, error) {
	crd = crd.DeepCopy()
	apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(crd)
	k := &crdKind{
		crdName:    crd.Name,
		namespaced: crd.Spec.Scope != apiextensionsv1.ClusterScoped,
		versions:   map[string]*compiledVersion{},
	}
	var errs []error
	for i := range crd.Spec.Versions {
		ver := &crd.Spec.Versions[i]
		if !ver.Served {
			continue
		}
		gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: ver.Name, Kind: crd.Spec.Names.Kind}
		c, err := compileVersion(gvk, ver, crd.Spec.PreserveUnknownFields)
		if err != nil {
			errs = append(errs, fmt.Errorf("CRD %s version %s: %w", crd.Name, ver.Name, err))
			continue
		}
		k.versions[ver.Name] = c
		k.served = append(k.served, ver.Name)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return k, nil
}
