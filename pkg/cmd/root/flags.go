package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/githedgehog/kubectl-hnp/internal/suggest"
)

// joinBoolValues rewrites "--flag true|false" into "--flag=true|false" for
// the boolean flags of the command args run, so that `drift --exit-code
// false` sets the flag instead of naming a kind "false" (pflag's booleans
// take a value only after "="). Arguments after "--" are left alone.
func joinBoolValues(root *cobra.Command, args []string) []string {
	target, _, err := root.Find(args)
	if err != nil || target == nil {
		target = root
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if i+1 < len(args) && (args[i+1] == "true" || args[i+1] == "false") && isBoolFlag(target, a) {
			out = append(out, a+"="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}

// isBoolFlag reports whether a ("--name" or "-n", without "=") is a
// boolean flag of cmd, its own or inherited.
func isBoolFlag(cmd *cobra.Command, a string) bool {
	if !strings.HasPrefix(a, "-") || strings.Contains(a, "=") {
		return false
	}
	var fl *pflag.Flag
	switch {
	case strings.HasPrefix(a, "--"):
		name := a[2:]
		if fl = cmd.Flags().Lookup(name); fl == nil {
			fl = cmd.InheritedFlags().Lookup(name)
		}
	case len(a) == 2:
		if fl = cmd.Flags().ShorthandLookup(a[1:]); fl == nil {
			fl = cmd.InheritedFlags().ShorthandLookup(a[1:])
		}
	}
	return fl != nil && fl.Value.Type() == "bool"
}

// flagError adds "did you mean" to an unknown flag's error, with the
// command's flags within suggest.MaxDistance of what was typed.
func flagError(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return err
	}
	var names []string
	add := func(fl *pflag.Flag) {
		if !fl.Hidden {
			names = append(names, fl.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	c := suggest.Closest(name, names)
	if len(c) == 0 {
		return err
	}
	for i := range c {
		c[i] = "--" + c[i]
	}
	if len(c) > 3 {
		c = c[:3]
	}
	return fmt.Errorf("%w (did you mean %s?)", err, strings.Join(c, " or "))
}
