package cmdutil

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/validate"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// WriteModel builds the write-path model of a fabric's CRDs (drift judges
// pruning, defaults and list types with it). The CRDs are read from the
// fabric's cluster and cached, as for validation; when the cluster cannot
// be reached (or with --offline or a snapshot, live false) the cached CRDs
// are used. nil when neither is available: drift then assumes a field only
// the cluster has inside a list Git sets is a server default. Fabrics that
// share a cluster (and user) share one read of its CRDs, encoded and
// compiled once, for the command run.
func (f *Factory) WriteModel(ctx context.Context, fab *fabric.Fabric, live bool) *writepath.Model {
	cacheDir := filepath.Join(f.CacheDir(), "crds", fab.Name)
	if live && !f.Offline {
		if cl, err := f.Cluster(fab); err == nil {
			e, err := f.crds.get(clusterKey(cl), func() (*clusterCRDs, error) { return readCRDs(ctx, cl) })
			if err == nil {
				if !validate.Cached(cacheDir, e.stamp, e.crds...) {
					files, err := e.files()
					if err == nil {
						err = files.Save(cacheDir, e.stamp)
					}
					if err != nil {
						fmt.Fprintf(f.IOStreams.ErrOut, "Warning: caching the CRDs in %s: %v\n", cacheDir, err)
					}
				}
				if e.model != nil {
					return e.model
				}
			}
		}
	}
	crds, err := validate.ReadCRDs(cacheDir)
	if err != nil || len(crds) == 0 {
		return nil
	}
	m, err := writepath.FromCRDs(crds...)
	if err != nil {
		return nil
	}
	return m
}

// clusterCRDs is one cluster's CRDs as a command run read them: the CRDs
// and their stamp, their cache files (encoded when a fabric's cache is not
// current, once), and the write-path model (nil when it could not be
// built).
type clusterCRDs struct {
	crds  []*apiextensionsv1.CustomResourceDefinition
	stamp string
	files func() (validate.CacheFiles, error)
	model *writepath.Model
}

// readCRDs reads the cluster's CRDs and compiles the write-path model.
func readCRDs(ctx context.Context, cl *Cluster) (*clusterCRDs, error) {
	crds, err := validate.Fetch(ctx, cl.RestConfig, nil)
	if err != nil {
		return nil, err
	}
	e := &clusterCRDs{crds: crds, stamp: validate.Stamp(crds...)}
	e.files = sync.OnceValues(func() (validate.CacheFiles, error) { return validate.EncodeCache(crds...) })
	if m, err := writepath.FromCRDs(crds...); err == nil {
		e.model = m
	}
	return e, nil
}
