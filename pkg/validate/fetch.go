package validate

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// HedgehogCRDNames returns the names of the CRDs of the 12 Hedgehog kinds, in
// the order of the kinds registry.
func HedgehogCRDNames() []string {
	all := kinds.All()
	names := make([]string, len(all))
	for i, k := range all {
		names[i] = k.CRDName()
	}
	return names
}

// Fetch reads the named CRDs from the cluster cfg points at, such as
// "vpcs.vpc.githedgehog.com"; with no names it reads the CRDs of the 12
// Hedgehog kinds. It fails if any CRD cannot be read, naming every one that
// is missing. The CRDs are returned in the order asked for, with apiVersion
// and kind set.
func Fetch(ctx context.Context, cfg *rest.Config, crdNames []string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	if cfg == nil {
		return nil, errors.New("fetching CRDs: no cluster configuration")
	}
	if len(crdNames) == 0 {
		crdNames = HedgehogCRDNames()
	}
	cs, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("fetching CRDs: %w", err)
	}
	client := cs.ApiextensionsV1().CustomResourceDefinitions()
	// Concurrently: one round trip for all of them, not one per CRD.
	got := make([]*apiextensionsv1.CustomResourceDefinition, len(crdNames))
	errs := make([]error, len(crdNames))
	var wg sync.WaitGroup
	for i, name := range crdNames {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = client.Get(ctx, name, metav1.GetOptions{})
		}()
	}
	wg.Wait()
	var out []*apiextensionsv1.CustomResourceDefinition
	var missing []string
	for i, name := range crdNames {
		switch err := errs[i]; {
		case apierrors.IsNotFound(err):
			missing = append(missing, name)
			continue
		case err != nil:
			return nil, fmt.Errorf("fetching CRD %s from %s: %w", name, cfg.Host, err)
		}
		crd := got[i]
		crd.APIVersion, crd.Kind = crdAPIVersion, crdKindName
		out = append(out, crd)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("CRD(s) not found on %s: %v; is the Hedgehog fabric installed there?", cfg.Host, missing)
	}
	return out, nil
}
