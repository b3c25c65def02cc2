// Package judge is the one place where a fabric's desired and actual
// objects are compared: drift, list's SYNC column, sync's summary and plan,
// the watchers and edit --wait all call it, so that they share one set of
// semantics. It assembles the drift options (the fabric's ignore rules, the
// command's, the built-in profile, the write-path model of the CRDs) and,
// for --server-side, asks the API server what each object's deployer would
// store, judging a refused object alone as an error. Without
// --server-side, each desired object is first defaulted as the fabric's
// Hedgehog webhooks would store it (see Webhooks).
package judge

import (
	"context"
	"fmt"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// Settings are a command's choices about the comparison.
type Settings struct {
	// Strict compares everything (see drift.Options.Strict).
	Strict bool
	// Ignores are the command line's rules, after the fabric's own.
	Ignores []drift.Rule
	// NoBuiltinIgnores turns the built-in Hedgehog profile off.
	NoBuiltinIgnores bool
}

// Options returns the drift options for one fabric.
func Options(fab *fabric.Fabric, model *writepath.Model, s Settings) (drift.Options, error) {
	rules, err := drift.RulesFromConfig(fab.Ignore)
	if err != nil {
		return drift.Options{}, fmt.Errorf("fabric %s: ignore rules in the config file: %w", fab.Name, err)
	}
	jq, err := drift.JQRulesFromConfig(fab.Ignore)
	if err != nil {
		return drift.Options{}, fmt.Errorf("fabric %s: ignore rules in the config file: %w", fab.Name, err)
	}
	return drift.Options{
		Strict:         s.Strict,
		Ignores:        append(rules, s.Ignores...),
		Managers:       drift.ManagerRulesFromConfig(fab.Ignore),
		JQ:             jq,
		BuiltinIgnores: !s.NoBuiltinIgnores,
		Model:          model,
	}, nil
}

// Input is one fabric's comparison.
type Input struct {
	Fabric          *fabric.Fabric
	Desired, Actual resource.Set
	Model           *writepath.Model
	Settings        Settings
	// ServerSide, when set, replaces each desired object the cluster has by
	// the server's dry run of its deployer's apply.
	ServerSide *ServerSide
	// Evidence are cluster objects beyond the compared ones (the fabric's
	// other objects, a Sample) that may show the webhook's mark to "auto"
	// defaulting: a comparison of a few objects or of unlabelled kinds
	// alone must not lose the fabric-level evidence.
	Evidence []resource.Set
}

// ServerSide is the cluster asked for --server-side.
type ServerSide struct {
	Reader *clusterstate.Reader
	// Served are the kinds at the versions the cluster serves.
	Served []*kinds.Kind
}

// Output is the comparison of one fabric.
type Output struct {
	Result *drift.Result
	// Options are the drift options used; Desired the desired side compared
	// (the server's answers for --server-side): with Actual, what renders
	// the views and diffs of the result.
	Options drift.Options
	Desired resource.Set
}

// Compare compares one fabric's desired and actual objects.
func Compare(ctx context.Context, in Input) (*Output, error) {
	opts, err := Options(in.Fabric, in.Model, in.Settings)
	if err != nil {
		return nil, err
	}
	out := &Output{Options: opts, Desired: in.Desired}
	if in.ServerSide == nil {
		// The server's dry run (below) runs the real webhooks; here they
		// are modelled.
		hooks := NewWebhooks(in.Fabric, in.Model, in.Actual)
		for _, ev := range in.Evidence {
			hooks.Observe(ev)
		}
		out.Desired = hooks.DesiredSet(in.Desired, in.Actual)
		out.Result = drift.Compare(out.Desired, in.Actual, opts)
		userPaths(out.Result, out.Desired, in.Desired)
		return out, nil
	}
	served := map[string]*kinds.Kind{}
	for _, k := range in.ServerSide.Served {
		served[k.Kind] = k
	}
	var pairs []clusterstate.DryRunPair
	desired := make(resource.Set, len(in.Desired))
	for k, d := range in.Desired {
		desired[k] = d
		if a := in.Actual[k]; a != nil {
			pairs = append(pairs, clusterstate.DryRunPair{Desired: d, Actual: a})
		}
	}
	outcomes := in.ServerSide.Reader.DeployerDryRun(ctx, served, pairs, 0)
	for k, o := range outcomes {
		if o.Err == nil {
			desired[k] = &resource.Object{Key: k, Obj: o.Obj, Origin: in.Desired[k].Origin}
		}
	}
	// The server's answer holds every field the cluster would store, so
	// everything is compared: what differs is real.
	opts.Strict = true
	opts.Model = nil
	out.Options, out.Desired = opts, desired
	out.Result = drift.Compare(desired, in.Actual, opts)
	for k, o := range outcomes {
		if o.Err != nil {
			out.Result.SetError(k, fmt.Errorf("the server refused the dry-run apply (as %s): %w", o.Deployer.Manager, o.Err))
		}
	}
	return out, nil
}

// Sets compares one fabric's desired and actual objects without
// --server-side (list's SYNC column, sync's summary and plan); evidence
// as Input.Evidence.
func Sets(fab *fabric.Fabric, model *writepath.Model, s Settings, desired, actual resource.Set, evidence ...resource.Set) (*Output, error) {
	return Compare(context.Background(), Input{Fabric: fab, Desired: desired, Actual: actual, Model: model, Settings: s, Evidence: evidence})
}

// One judges a single object with the given options and webhook
// defaulting (hooks may be nil: none): either side may be nil. The
// watchers and edit --wait use it.
func One(opts drift.Options, hooks *Webhooks, key resource.Key, desired, actual *resource.Object) drift.ResourceResult {
	d, a := resource.Set{}, resource.Set{}
	if desired != nil {
		d[key] = hooks.Desired(desired, actual)
	}
	if actual != nil {
		a[key] = actual
	}
	res := drift.Compare(d, a, opts)
	if desired != nil {
		userPaths(res, d, resource.Set{key: desired})
	}
	return res.Resources[0]
}
