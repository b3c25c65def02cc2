package validate

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
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
	client, err := crdClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("fetching CRDs: %w", err)
	}
	// Concurrently: one round trip for all of them, not one per CRD.
	got := make([]*apiextensionsv1.CustomResourceDefinition, len(crdNames))
	errs := make([]error, len(crdNames))
	var wg sync.WaitGroup
	for i, name := range crdNames {
		wg.Add(1)
		go func() {
			defer wg.Done()
			crd := &apiextensionsv1.CustomResourceDefinition{}
			errs[i] = client.Get().Resource("customresourcedefinitions").Name(name).Do(ctx).Into(crd)
			got[i] = crd
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

// crdCodecs decode apiextensions.k8s.io/v1 objects. They are built on first
// use: the generated clientset of apiextensions-apiserver builds its scheme
// in a package initialiser, which would run on every command.
var crdCodecs = sync.OnceValue(func() serializer.CodecFactory {
	s := runtime.NewScheme()
	utilruntime.Must(apiextensionsv1.AddToScheme(s))
	return serializer.NewCodecFactory(s)
})

// crdClient is a REST client for apiextensions.k8s.io/v1, set up as the
// generated clientset sets up its own.
func crdClient(cfg *rest.Config) (*rest.RESTClient, error) {
	c := rest.CopyConfig(cfg)
	c.GroupVersion = &apiextensionsv1.SchemeGroupVersion
	c.APIPath = "/apis"
	c.NegotiatedSerializer = crdCodecs().WithoutConversion()
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	return rest.RESTClientFor(c)
}
