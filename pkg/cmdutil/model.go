package cmdutil

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/validate"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// WriteModel builds the write-path model of a fabric's CRDs (drift judges
// pruning, defaults and list types with it). The CRDs are read from the
// fabric's cluster and cached, as for validation; when the cluster cannot
// be reached (or with --offline or a snapshot, live false) the cached CRDs
// are used. nil when neither is available: drift then assumes a field only
// the cluster has inside a list Git sets is a server default.
func (f *Factory) WriteModel(ctx context.Context, fab *fabric.Fabric, live bool) *writepath.Model {
	cacheDir := filepath.Join(f.CacheDir(), "crds", fab.Name)
	if live && !f.Offline {
		if cl, err := f.Cluster(fab); err == nil {
			if crds, err := validate.Fetch(ctx, cl.RestConfig, nil); err == nil {
				if err := validate.SaveCache(cacheDir, crds...); err != nil {
					fmt.Fprintf(f.IOStreams.ErrOut, "Warning: caching the CRDs in %s: %v\n", cacheDir, err)
				}
				if m, err := writepath.FromCRDs(crds...); err == nil {
					return m
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
