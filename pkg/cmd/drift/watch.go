package drift

import (
	"context"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil/watch"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// watch prints the initial drift, then a line per status change (marking
// pendingDeploy), change of the deployer's state or change of
// reachability until ctx is done (Ctrl-C), which is a clean exit.
func (o *Options) watch(ctx context.Context, fabs []fabric.Fabric) error {
	lw := watch.NewLineWriter(o.Out, o.Output == "json")
	w := &watch.Watcher{F: o.f, Kinds: o.kinds, Name: o.name, Selector: o.selector, GitPoll: o.GitPoll,
		Rules: o.rules, Strict: o.Strict, NoBuiltinIgnores: o.NoBuiltinIgnores, NoDeployerIgnores: o.NoDeployerIgnores,
		OnChange: lw.Change, OnReachability: lw.Reachability,
		OnDeployer: func(c watch.DeployerChange) {
			lw.Deployer(c, strings.TrimPrefix(printers.PipelineLine(c.Fabric, c.GitRevision, c.Deployer), "fabric "+c.Fabric+": "))
		}}
	return w.Run(ctx, fabs)
}
