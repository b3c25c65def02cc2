// Package version implements `kubectl hnp version`.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// Set by the linker: -X github.com/githedgehog/kubectl-hnp/pkg/cmd/version.version=...
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Info is what `version` prints.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns the build's version information: what the linker set (make
// build, goreleaser), else what Go recorded in the binary (go install
// ...@version, a build from a checkout).
func Get() Info {
	i := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		fromBuildInfo(&i, bi)
	}
	return i
}

// fromBuildInfo fills what the linker left at its defaults from Go's build
// information: the module version, the VCS revision and time.
func fromBuildInfo(i *Info, bi *debug.BuildInfo) {
	if i.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		i.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && i.Commit == "none" && s.Value != "":
			i.Commit = s.Value[:min(12, len(s.Value))]
		case s.Key == "vcs.time" && i.Date == "unknown" && s.Value != "":
			i.Date = s.Value
		}
	}
}

// NewCmd returns the version command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of kubectl-hnp",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := printers.CheckFormat(output, "text", "json", "yaml"); err != nil {
				return err
			}
			i := Get()
			if output != "text" {
				return printers.WriteData(f.IOStreams.Out, output, i)
			}
			_, err := fmt.Fprintf(f.IOStreams.Out, "kubectl-hnp %s (commit %s, built %s, %s, %s)\n", i.Version, i.Commit, i.Date, i.GoVersion, i.Platform)
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, json or yaml")
	return cmd
}
