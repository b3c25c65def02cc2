package drift

import (
	"fmt"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	htmlreport "github.com/githedgehog/kubectl-hnp/pkg/report"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// htmlInput is what `-o html` renders: the report, and per fabric the
// objects of both sides (for the topology), the unified diffs of drifted
// objects and the repository's web URL template (--repo-url-template, else
// the fabric's git.webURL).
func (o *Options) htmlInput(rep *driftpkg.Report, comps []*comparison) (htmlreport.Input, error) {
	in := htmlreport.Input{Report: rep, Generated: o.f.Now(), Title: "kubectl hnp drift", Fabrics: map[string]*htmlreport.FabricData{}}
	for _, c := range comps {
		fab := &c.state.Fabric
		data := &htmlreport.FabricData{WebURL: fab.Git.WebURL, Diffs: map[resource.Key]string{}}
		if o.RepoURLTemplate != "" {
			data.WebURL = o.RepoURLTemplate
		}
		in.Fabrics[fab.Name] = data
		if c.result == nil {
			continue
		}
		data.Desired, data.Actual = c.desired, c.state.Actual
		for _, r := range c.result.Resources {
			if r.Status != driftpkg.StatusDrifted {
				continue
			}
			k := r.Key()
			text, err := driftpkg.UnifiedDiff(r, c.desired[k], c.state.Actual[k], c.opts)
			if err != nil {
				return in, fmt.Errorf("fabric %s: %s: %w", fab.Name, k, err)
			}
			data.Diffs[k] = text
		}
	}
	return in, nil
}
