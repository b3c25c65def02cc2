// Package completion is the `kubectl hnp completion SHELL` command: it prints
// the shell completion scripts that cobra generates for the kubectl-hnp
// binary. The dynamic part (fabric, kind and object names) is wired in
// pkg/cmd/root and served by cobra's hidden __complete command.
package completion

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// ProgramName is the name the scripts complete: the plugin's executable.
// kubectl itself delegates `kubectl hnp <TAB>` to the kubectl_complete-hnp
// script, which calls `kubectl-hnp __complete`.
const ProgramName = "kubectl-hnp"

// Shells are the supported shells, in the order help lists them.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// NewCmd returns the completion command.
func NewCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the completion script of a shell to stdout.

The script completes the kubectl-hnp executable: commands, flags, fabric names
from the config file, kinds, and object names from the Git cache (read offline,
without contacting the cluster or the Git remote).

For "kubectl hnp <TAB>" (kubectl 1.26 or newer), put the kubectl_complete-hnp
script next to kubectl-hnp on PATH instead; "make install" does that.`,
		Example: `  # bash, this session
  source <(kubectl hnp completion bash)

  # bash, permanently
  kubectl hnp completion bash > ~/.local/share/bash-completion/completions/kubectl-hnp

  # zsh: a directory on $fpath
  kubectl hnp completion zsh > "${fpath[1]}/_kubectl-hnp"

  # fish
  kubectl hnp completion fish > ~/.config/fish/completions/kubectl-hnp.fish

  # PowerShell
  kubectl hnp completion powershell | Out-String | Invoke-Expression`,
		ValidArgs:             Shells,
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Generate(cmd.OutOrStdout(), cmd.Root(), args[0])
		},
	}
}

// Generate writes the completion script of shell for root's command tree,
// completing the ProgramName executable. Descriptions are included where
// the shell can show them.
func Generate(w io.Writer, root *cobra.Command, shell string) error {
	// Cobra names the completed program after the root command ("hnp");
	// the executable is kubectl-hnp.
	use := root.Use
	root.Use = ProgramName + strings.TrimPrefix(use, root.Name())
	defer func() { root.Use = use }()
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return fmt.Errorf("unknown shell %q; supported: %s", shell, strings.Join(Shells, ", "))
}
