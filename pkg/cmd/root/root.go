// Package root builds the kubectl-hnp command tree and runs it.
package root

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"

	"github.com/githedgehog/kubectl-hnp/pkg/cmd/create"
	deletecmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/delete"
	driftcmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/edit"
	fabriccmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/get"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/list"
	pushcmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/push"
	synccmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/sync"
	validatecmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/validate"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/version"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
)

// NewCmd returns the root command with every subcommand.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hnp",
		Short: "GitOps workbench for Hedgehog open network fabrics",
		Long: `kubectl hnp compares the desired state of Hedgehog fabrics (YAML in Git) with
their actual state (custom resources on each fabric's controller cluster).

Exit codes: 0 success (or in sync), 1 drift found, 2 any error.`,
		Annotations: map[string]string{
			cobra.CommandDisplayNameAnnotation: "kubectl hnp",
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	f.AddGlobalFlags(cmd.PersistentFlags())
	addLogFlags(cmd.PersistentFlags()) // -v as kubectl's: logflags.go
	cmd.AddCommand(
		list.NewCmd(f, nil),
		get.NewCmd(f, nil),
		driftcmd.NewCmd(f, nil),
		edit.NewCmd(f, nil),
		create.NewCmd(f, nil),
		deletecmd.NewCmd(f, nil),
		synccmd.NewCmd(f, nil),
		pushcmd.NewCmd(f, nil),
		validatecmd.NewCmd(f, nil),
		fabriccmd.NewCmd(f),
		version.NewCmd(f),
	)
	setupCompletion(cmd, f)         // the completion command and dynamic completion: completion.go
	setupUsage(cmd)                 // short help, kubectl style: usage.go
	cmd.SetFlagErrorFunc(flagError) // "did you mean" for flags: flags.go
	return cmd
}

// Main runs the command line and returns the process exit code. It is the
// only place where errors become exit codes.
func Main(ctx context.Context, args []string, streams genericiooptions.IOStreams) int {
	f := cmdutil.NewFactory(streams)
	defer startProfiles(os.Getenv, func(err error) { fmt.Fprintf(streams.ErrOut, "Warning: %s\n", err) })() // profile.go
	return Run(ctx, f, args)
}

// Run executes args on a given factory (tests pass their own).
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	cmd := NewCmd(f)
	// kustomize builds are kept in the cache while the files they read are unchanged
	render.UseCache(&render.Cache{Dir: filepath.Join(f.CacheDir(), "render")})
	cmd.SetArgs(joinBoolValues(cmd, args)) // --exit-code false: flags.go
	defer klog.Flush()
	err := cmd.ExecuteContext(ctx)
	if err != nil && !cmdutil.IsSilent(err) {
		fmt.Fprintf(f.IOStreams.ErrOut, "Error: %s\n", gitstate.Redact(err.Error()))
	}
	return cmdutil.ExitCode(err)
}

// Streams returns the process's standard streams.
func Streams() genericiooptions.IOStreams {
	return genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}
