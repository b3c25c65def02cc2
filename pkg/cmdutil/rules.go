package cmdutil

import (
	"fmt"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// maxShownExisting bounds the pre-existing violations a change lists.
const maxShownExisting = 10

// FabricDesired reads the whole desired state of a fabric from the working
// tree at root (every kind, in the fabric's namespace): what a change's
// Hedgehog rules are checked against.
func (f *Factory) FabricDesired(root string, fab *fabric.Fabric) (resource.Set, error) {
	d, err := render.LoadDesired(root, fab.Git.Dir, fab.Git.RenderPath())
	if err != nil {
		return nil, err
	}
	return InNamespace(d.Objects, f.Namespace(fab)), nil
}

// CheckRules runs the Hedgehog webhooks' rules on a change of a fabric's
// Git (mode is --validate: none skips): the fabric is validated before and
// after the change (defaulted first, as the webhooks run), deleted objects
// against the delete guards. Violations the change introduces refuse it
// (an error naming each one: object, field, message, rule, fix); those the
// fabric had already are printed as a warning and do not block.
func (f *Factory) CheckRules(fab *fabric.Fabric, before resource.Set, ch fabriccheck.Change, mode string) error {
	if mode == ValidateNone {
		return nil
	}
	res := fabriccheck.CheckChange(before, ch, f.Namespace(fab), fab.HedgehogConfig())
	if n := len(res.Existing); n > 0 {
		shown := res.Existing
		if n > maxShownExisting {
			shown = shown[:maxShownExisting]
		}
		more := ""
		if n > len(shown) {
			more = fmt.Sprintf("\n  ... and %d more", n-len(shown))
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "Warning: fabric %s already has %s of the Hedgehog webhooks' rules that this change does not cause (not blocking; kubectl hnp validate lists them):\n  %s%s\n",
			fab.Name, counted(n, "violation"), strings.ReplaceAll(fabriccheck.Format(shown), "\n", "\n  "), more)
	}
	if !res.Blocked() {
		return nil
	}
	return fmt.Errorf("the change brings %s of the Hedgehog webhooks' rules (the fabric controller would refuse it; --validate none skips the check):\n  %s",
		counted(len(res.Introduced), "violation"), strings.ReplaceAll(fabriccheck.Format(res.Introduced), "\n", "\n  "))
}

// UseFabric makes Check run the Hedgehog rules too, each object checked
// as a change of the fabric whose desired state is before.
func (c *Checker) UseFabric(f *Factory, fab *fabric.Fabric, before resource.Set) {
	c.rules = func(ch fabriccheck.Change) error { return f.CheckRules(fab, before, ch, c.mode) }
}

func counted(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
