package validate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// crdAPIVersion and crdKind identify a CustomResourceDefinition manifest.
const (
	crdAPIVersion = "apiextensions.k8s.io/v1"
	crdKindName   = "CustomResourceDefinition"
)

// LoadDir reads the CRDs of the *.yaml and *.yml files of dir (not of its
// subdirectories) and compiles them with FromCRDs.
func LoadDir(dir string) (*Validator, error) {
	crds, err := ReadCRDs(dir)
	if err != nil {
		return nil, err
	}
	if len(crds) == 0 {
		return nil, fmt.Errorf("no CRD manifests (*.yaml) in %s", dir)
	}
	return FromCRDs(crds...)
}

// ReadCRDs reads the CRDs of the *.yaml and *.yml files of dir, in file name
// order. A file may hold several YAML documents; each one must be an
// apiextensions.k8s.io/v1 CustomResourceDefinition (empty documents are
// skipped). Errors name the file and document.
func ReadCRDs(dir string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading CRD directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, n := range names {
		path := filepath.Join(dir, n)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		got, err := decodeCRDs(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		crds = append(crds, got...)
	}
	return crds, nil
}

// decodeCRDs decodes the CRDs of a multi-document YAML stream.
func decodeCRDs(data []byte) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []*apiextensionsv1.CustomResourceDefinition
	for n := 1; ; n++ {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("YAML document %d: %w", n, err)
		}
		var head map[string]any
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("YAML document %d: %w", n, err)
		}
		if len(head) == 0 {
			continue
		}
		if head["apiVersion"] != crdAPIVersion || head["kind"] != crdKindName {
			return nil, fmt.Errorf("YAML document %d is a %v %v, not a %s %s", n, head["apiVersion"], head["kind"], crdAPIVersion, crdKindName)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(doc, crd); err != nil {
			return nil, fmt.Errorf("YAML document %d: %w", n, err)
		}
		if crd.Name == "" {
			return nil, fmt.Errorf("YAML document %d: CRD without a name", n)
		}
		out = append(out, crd)
	}
}
