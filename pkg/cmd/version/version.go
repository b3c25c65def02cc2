// Package version implements `kubectl hnp version`.
package version

import (
	"fmt"
	"runtime"

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

// Get returns the build's version information.
func Get() Info {
	return Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
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
