package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// hnpGlobalFlags are the global flags that are kubectl-hnp's own; the
// other global flags are kubectl's standard ones, listed by `options`.
var hnpGlobalFlags = map[string]bool{
	"config": true, "fabric": true, "repo": true, "dir": true, "branch": true, "repo-branch": true, "offline": true,
}

// setupUsage keeps help short as kubectl's is: a command's own flags, the
// kubectl-hnp global flags, and a pointer to `kubectl hnp options` for the
// ~25 standard kubectl flags (--kubeconfig, --context, -n, ...).
func setupUsage(root *cobra.Command) {
	root.AddCommand(&cobra.Command{
		Use:   "options",
		Short: "Print the global flags every command accepts (kubectl's standard flags included)",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "The following options can be passed to any command:\n\n%s", root.PersistentFlags().FlagUsages())
		},
	})
	root.SetUsageFunc(func(cmd *cobra.Command) error {
		w := cmd.OutOrStderr()
		var b strings.Builder
		b.WriteString("Usage:\n")
		if cmd.Runnable() {
			fmt.Fprintf(&b, "  %s\n", cmd.UseLine())
		}
		if cmd.HasAvailableSubCommands() {
			fmt.Fprintf(&b, "  %s [command]\n", cmd.CommandPath())
		}
		if len(cmd.Aliases) > 0 {
			fmt.Fprintf(&b, "\nAliases:\n  %s\n", strings.Join(append([]string{cmd.Name()}, cmd.Aliases...), ", "))
		}
		if cmd.HasExample() {
			fmt.Fprintf(&b, "\nExamples:\n%s\n", cmd.Example)
		}
		if cmd.HasAvailableSubCommands() {
			b.WriteString("\nAvailable Commands:\n")
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() || c.Name() == "help" {
					fmt.Fprintf(&b, "  %-12s %s\n", c.Name(), c.Short)
				}
			}
		}
		own := cmd.LocalNonPersistentFlags()
		if cmd == root {
			own = pflag.NewFlagSet("root", pflag.ContinueOnError)
		}
		if own.HasAvailableFlags() {
			fmt.Fprintf(&b, "\nFlags:\n%s", own.FlagUsages())
		}
		global := pflag.NewFlagSet("global", pflag.ContinueOnError)
		root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
			if hnpGlobalFlags[f.Name] && cmd.Flags().Lookup(f.Name) == root.PersistentFlags().Lookup(f.Name) {
				global.AddFlag(f)
			}
		})
		if global.HasAvailableFlags() {
			fmt.Fprintf(&b, "\nGlobal Flags:\n%s", global.FlagUsages())
		}
		b.WriteString("\nUse \"kubectl hnp options\" for the kubectl flags every command accepts (--kubeconfig, --context, -n, --request-timeout, ...).\n")
		if cmd.HasAvailableSubCommands() {
			fmt.Fprintf(&b, "Use \"%s [command] --help\" for more about a command.\n", cmd.CommandPath())
		}
		_, err := fmt.Fprint(w, b.String())
		return err
	})
}
