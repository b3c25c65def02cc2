package writepath

import (
	"errors"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Model holds the write-path schema of every served version of a set of CRDs.
type Model struct {
	kinds map[schema.GroupKind]*kindModel
}

type kindModel struct {
	versions map[string]*compiled
	// storage is the version used when an object names one the CRD lacks.
	storage string
}

// compiled is one version: its structural schema and the node tree over it.
type compiled struct {
	structural *structuralschema.Structural
	root       *Node
	preserve   bool
}

// FromCRDs builds a Model from CRDs. A served version without a structural
// schema is an error naming the CRD and version.
func FromCRDs(crds ...*apiextensionsv1.CustomResourceDefinition) (*Model, error) {
	m := &Model{kinds: map[schema.GroupKind]*kindModel{}}
	var errs []error
	for _, crd := range crds {
		if crd == nil {
			continue
		}
		crd = crd.DeepCopy()
		apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(crd)
		km := &kindModel{versions: map[string]*compiled{}}
		for i := range crd.Spec.Versions {
			ver := &crd.Spec.Versions[i]
			if !ver.Served {
				continue
			}
			c, err := compile(ver, crd.Spec.PreserveUnknownFields)
			if err != nil {
				errs = append(errs, fmt.Errorf("CRD %s version %s: %w", crd.Name, ver.Name, err))
				continue
			}
			km.versions[ver.Name] = c
			if ver.Storage || km.storage == "" {
				km.storage = ver.Name
			}
		}
		m.kinds[schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}] = km
	}
	return m, errors.Join(errs...)
}

func compile(ver *apiextensionsv1.CustomResourceDefinitionVersion, preserve bool) (*compiled, error) {
	if ver.Schema == nil || ver.Schema.OpenAPIV3Schema == nil {
		return nil, errors.New("no openAPIV3Schema")
	}
	internal := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(ver.Schema, internal, nil); err != nil {
		return nil, fmt.Errorf("converting the schema: %w", err)
	}
	s, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("the schema is not structural: %w", err)
	}
	// As the server does: defaults are pruned of unknown fields first.
	s = s.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(s); err != nil {
		return nil, fmt.Errorf("pruning the schema's defaults: %w", err)
	}
	return &compiled{structural: s, root: newNode(s), preserve: preserve}, nil
}

// lookup finds the compiled version for an object's apiVersion and kind; an
// unserved version falls back to the storage version. nil when the kind has
// no CRD in the Model.
func (m *Model) lookup(apiVersion, kind string) *compiled {
	if m == nil {
		return nil
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil
	}
	km := m.kinds[schema.GroupKind{Group: gv.Group, Kind: kind}]
	if km == nil {
		return nil
	}
	if c := km.versions[gv.Version]; c != nil {
		return c
	}
	return km.versions[km.storage]
}

// Root returns the schema node of an object of the given apiVersion and
// kind, or nil when the Model has no CRD for the kind. Metadata is not
// described by the node (the server decodes it as ObjectMeta).
func (m *Model) Root(apiVersion, kind string) *Node {
	c := m.lookup(apiVersion, kind)
	if c == nil || c.preserve {
		return nil
	}
	return c.root
}

// HasKind reports whether the Model knows the kind of this apiVersion's group.
func (m *Model) HasKind(apiVersion, kind string) bool { return m.lookup(apiVersion, kind) != nil }
