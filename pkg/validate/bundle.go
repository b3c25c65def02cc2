package validate

import (
	"embed"
	"fmt"
	"sort"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// bundled holds the twelve Hedgehog CRDs kubectl-hnp is built with (a copy
// of testdata/crds, checked equal by a test).
//
//go:embed bundled/*.yaml
var bundled embed.FS

// BundledCRDs returns the Hedgehog CRDs built into kubectl-hnp: what
// offline validation uses when no CRDs of the fabric's cluster are cached.
func BundledCRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	entries, err := bundled.ReadDir("bundled")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, n := range names {
		data, err := bundled.ReadFile("bundled/" + n)
		if err != nil {
			return nil, err
		}
		crds, err := decodeCRDs(data)
		if err != nil {
			return nil, fmt.Errorf("bundled CRD %s: %w", n, err)
		}
		out = append(out, crds...)
	}
	return out, nil
}

// Bundled returns a Validator over BundledCRDs.
func Bundled() (*Validator, error) {
	crds, err := BundledCRDs()
	if err != nil {
		return nil, err
	}
	return FromCRDs(crds...)
}
