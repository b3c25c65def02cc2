package sync

// What --adopt and --apply share: read the fabrics, compare, build a plan
// per fabric, print it, stop there (--dry-run) or ask, act, compare again
// and print the result.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	gosync "sync"

	"golang.org/x/term"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// The actions of a plan.
const (
	actionAdopt = "adopt"
	actionApply = "apply"
	actionPrune = "prune"
)

// PlanAPIVersion and PlanKind identify the plan printed with -o json.
const (
	PlanAPIVersion = "hnp.githedgehog.com/v1alpha1"
	PlanKind       = "SyncPlan"
)

// Step is what a plan does to one object. Changes says what, one line per
// field of a drifted object, else one line ("create", "delete", "→ new
// file F").
type Step struct {
	Action    string       `json:"action"`
	Kind      string       `json:"kind"`
	Namespace string       `json:"namespace"`
	Name      string       `json:"name"`
	Status    drift.Status `json:"status"`
	Changes   []string     `json:"changes"`
	// File is the file the object goes to (adopt), or its place in Git,
	// "path:line" (a drifted object).
	File string `json:"file,omitempty"`
	// Evidence says why a prune deletes the object: Git deployed it, as
	// `git history: removed in 3a1c0d2 "remove vpc-3"`, `flux inventory
	// flux-system/lab` or `argocd app lab`.
	Evidence string `json:"evidence,omitempty"`
}

// FabricPlan is the plan of one fabric as printed with -o json.
type FabricPlan struct {
	Name        string `json:"name"`
	GitRevision string `json:"gitRevision"`
	Error       string `json:"error"`
	Steps       []Step `json:"steps"`
	// NotPruned are the objects not in Git that --prune leaves, for want
	// of evidence that Git deployed them (action "keep", the reason in
	// Changes).
	NotPruned []Step `json:"notPruned"`
	// NotApplied are the drifted and missing objects --apply leaves, as
	// their deployer is told to leave them (Flux's ssa: Ignore, ...;
	// action "keep", the reason in Changes).
	NotApplied []Step `json:"notApplied"`
	// Notes say what the plan leaves alone that the user named, and which
	// evidence could not be read.
	Notes []string `json:"notes"`
}

// Plan is what `sync --adopt` or `sync --apply` will do, as printed with
// -o json (before the drift report of the result, when it acts).
type Plan struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Mode       string       `json:"mode"`
	DryRun     bool         `json:"dryRun"`
	Fabrics    []FabricPlan `json:"fabrics"`
}

// fabricPlan is one fabric's plan with what it was computed from and what
// carrying it out needs.
type fabricPlan struct {
	state  *cmdutil.FabricState
	opts   drift.Options
	result *drift.Result
	steps  []Step
	notes  []string
	err    error

	// --adopt: the documents to change and to add.
	edits []writeback.DocEdit
	adds  []writeback.NewDoc
	// --apply: the objects to apply, the fields to remove after applying
	// (those a server-side apply cannot: only in the cluster, set by
	// another manager), and the objects to delete.
	apply    []*resource.Object
	removals map[resource.Key][]string
	prune    []resource.Key
	// kept are the objects not in Git that --prune leaves; evidence, when
	// set, stands in for the real sources (tests).
	kept     []Step
	evidence *evidence
	// notApplied are the objects --apply leaves, as their deployer does.
	notApplied []Step

	// inGit holds every key of Git when -l filtered it (nil without -l).
	inGit map[resource.Key]bool

	// After acting: what was compared again.
	revision        string
	desired, actual resource.Set
	after           *drift.Result
}

func (p *fabricPlan) name() string { return p.state.Fabric.Name }

// mode is --adopt or --apply.
type mode struct {
	name string
	// plan fills in the steps of a fabric whose drift is computed.
	plan func(ctx context.Context, p *fabricPlan)
	// act carries the plan out and sets p.desired, p.actual and
	// p.revision to the state to compare afterwards.
	act func(ctx context.Context, p *fabricPlan) error
	// question asks for confirmation, given the number of steps.
	question func(n int) string
}

// resolve runs --adopt or --apply.
func (o *Options) resolve(ctx context.Context, m mode) error {
	// With names (--fabric, HNP_FABRIC) every named fabric; without, the
	// default one, as for other commands that change things.
	single := len(o.f.FabricNames) == 0 && o.f.Getenv("HNP_FABRIC") == ""
	fabs, err := o.f.Fabrics(single)
	if err != nil {
		return err
	}
	// Each fabric is read and planned in its own turn, within its
	// --fabric-timeout (plans may read deployer inventories and Git
	// history); fast-forward only, as every sync: commits the remote lacks
	// stay.
	var mu gosync.Mutex
	planned := map[*cmdutil.FabricState]*fabricPlan{}
	lo := cmdutil.LoadOptions{Source: cmdutil.SourceBoth, Kinds: o.kinds, Selector: o.selector, Refresh: true, Fleet: o.Fleet,
		// The deployer, as drift reads it: its ignore rules (Argo CD's
		// ignoreDifferences), so that the plan acts on what drift reports;
		// and for --adopt, which must tell a change Git made that the
		// deployer has not applied yet (pendingDeploy) from drift:
		// adopting it would undo the commit.
		Deployer: true,
		Then: func(ctx context.Context, st *cmdutil.FabricState) {
			p := o.compare(st)
			if p.err == nil {
				m.plan(ctx, p)
			}
			mu.Lock()
			planned[st] = p
			mu.Unlock()
		},
		// Something to do: was Git's branch moved while the cluster was
		// read? Acting on the older Git would undo a deployment.
		Recheck: func(st *cmdutil.FabricState) bool {
			mu.Lock()
			p := planned[st]
			mu.Unlock()
			return p != nil && p.err == nil && len(p.steps) > 0
		}}
	states := o.f.LoadFabrics(ctx, fabs, lo)
	plans := make([]*fabricPlan, len(states))
	steps := 0
	for i, st := range states {
		mu.Lock()
		p := planned[st]
		mu.Unlock()
		if p == nil { // timed out: a fresh state with the error
			p = &fabricPlan{state: st, err: st.Err}
		}
		if p.err != nil {
			fmt.Fprintf(o.ErrOut, "Error: %v\n", p.err)
		}
		steps += len(p.steps)
		plans[i] = p
	}
	if err := o.printPlan(m.name, plans); err != nil {
		return err
	}
	failed := hasErrors(plans)
	if o.DryRun || steps == 0 {
		// Nothing is done: the report shows the drift as found.
		if err := o.writePlansReport(plans); err != nil {
			return err
		}
	}
	switch {
	case o.DryRun:
		fmt.Fprintln(o.ErrOut, "dry run: nothing changed")
		return exitFor(failed, steps > 0)
	case steps == 0:
		return exitFor(failed, false)
	}
	if !o.Yes {
		ok, err := o.confirm(m.question(steps))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(o.ErrOut, "Cancelled, nothing changed.")
			if err := o.writePlansReport(plans); err != nil {
				return err
			}
			return exitFor(failed, false)
		}
	}
	if o.Output != "json" {
		fmt.Fprintln(o.Out)
	}
	for _, p := range plans {
		if p.err != nil {
			continue
		}
		if len(p.steps) > 0 {
			if err := m.act(ctx, p); err != nil {
				p.err = err
				fmt.Fprintf(o.ErrOut, "Error: %v\n", err)
				continue
			}
		} else {
			p.desired, p.actual = p.state.Desired, p.state.Actual
			p.revision = revisionOf(p.state)
		}
		// Evidence beyond the compared objects: the sample, and the
		// objects before the actions when there were any.
		evidence := []resource.Set{p.state.Evidence}
		if len(p.steps) > 0 {
			evidence = append(evidence, p.state.Actual)
		}
		if out, err := judge.Sets(&p.state.Fabric, p.state.Model, judge.Settings{}, p.desired, p.actual, evidence...); err == nil {
			p.after = out.Result
		} else {
			p.err = err
		}
	}
	if err := o.printResult(plans); err != nil {
		return err
	}
	if err := o.writePlansReport(plans); err != nil {
		return err
	}
	return exitFor(hasErrors(plans), false)
}

// writePlansReport writes --report: each fabric's drift after acting when
// it was compared again, else as planned.
func (o *Options) writePlansReport(plans []*fabricPlan) error {
	h := o.newHTMLReport()
	if h == nil {
		return nil
	}
	for _, p := range plans {
		switch {
		case p.after != nil:
			h.add(o, p.state, p.revision, p.desired, p.actual, p.after, p.opts, nil)
		case p.err != nil:
			h.add(o, p.state, revisionOf(p.state), nil, nil, nil, p.opts, p.err)
		default:
			h.add(o, p.state, revisionOf(p.state), p.state.Desired, p.state.Actual, p.result, p.opts, nil)
		}
	}
	return h.write(o)
}

// compare computes a fabric's drift, restricted to NAME when given.
func (o *Options) compare(st *cmdutil.FabricState) *fabricPlan {
	p := &fabricPlan{state: st, err: st.Err}
	if p.err != nil {
		return p
	}
	// The options drift uses, so that --apply plans exactly what drift reports.
	opts, err := judge.Options(&st.Fabric, st.Model, judge.Settings{})
	if err != nil {
		p.err = err
		return p
	}
	p.opts = opts
	evidence := []resource.Set{st.Evidence}
	if o.name != "" {
		evidence = append(evidence, st.Actual) // the whole fabric's, before the name filter
		st.Desired, st.Actual = st.Desired.Named(o.name), st.Actual.Named(o.name)
	}
	out, err := judge.Sets(&st.Fabric, st.Model, judge.Settings{}, st.Desired, st.Actual, evidence...)
	if err != nil {
		p.err = err
		return p
	}
	p.result = out.Result
	if o.selector != nil && !o.selector.Empty() && st.Workspace != nil {
		// An object whose labels match -l in the cluster but not in Git
		// is in Git all the same: it must be neither adopted nor pruned.
		d, err := cmdutil.LoadDesired(st.Workspace, &st.Fabric)
		if err != nil {
			p.err = fmt.Errorf("fabric %s: %w", st.Fabric.Name, err)
			return p
		}
		p.inGit = map[resource.Key]bool{}
		for k := range cmdutil.InNamespace(d.Objects, o.f.Namespace(&st.Fabric)) {
			p.inGit[k] = true
		}
	}
	return p
}

// outsideSelection reports whether an object not in Git (as selected) is
// in Git under labels that -l does not match, and notes it.
func (p *fabricPlan) outsideSelection(key resource.Key) bool {
	if !p.inGit[key] {
		return false
	}
	p.notes = append(p.notes, fmt.Sprintf("%s is in Git with labels that do not match -l: left alone", key))
	return true
}

func revisionOf(st *cmdutil.FabricState) string {
	if st.Workspace == nil {
		return ""
	}
	return st.Workspace.Revision
}

func hasErrors(plans []*fabricPlan) bool {
	for _, p := range plans {
		if p.err != nil {
			return true
		}
	}
	return false
}

// exitFor is the exit of a run: 2 when a fabric failed, else 1 when a dry
// run found something to do, else 0.
func exitFor(failed, todo bool) error {
	switch {
	case failed:
		return cmdutil.SilentExit(cmdutil.ExitError)
	case todo:
		return cmdutil.SilentExit(cmdutil.ExitDrift)
	}
	return nil
}

// confirm asks question on the terminal. Without one, it refuses: changes
// need --yes in scripts.
func (o *Options) confirm(question string) (bool, error) {
	in, ok := o.In.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return false, fmt.Errorf("refusing to %s without confirmation: stdin is not a terminal; pass --yes (or --dry-run to only see the plan)", question)
	}
	fmt.Fprintf(o.ErrOut, "%s? [y/N] ", strings.ToUpper(question[:1])+question[1:])
	answer, _ := bufio.NewReader(o.In).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", nil
}

// step starts the step of one compared object.
func newStep(action string, r drift.ResourceResult) Step {
	return Step{Action: action, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, Status: r.Status}
}

// fieldChange renders one field's change, from one side's value to the
// other's; absent sides are "(absent)".
func fieldChange(path string, from, to interface{}, fromOK, toOK bool) string {
	f, t := "(absent)", "(absent)"
	if fromOK {
		f = planValue(from)
	}
	if toOK {
		t = planValue(to)
	}
	return sanitize(path) + ": " + f + " → " + t
}

// maxValueRunes bounds a value in a plan line.
const maxValueRunes = 60

// planValue renders a value as drift's table does (1002 and "1002" stay
// apart), cut at maxValueRunes.
func planValue(v interface{}) string { return printers.CompactValue(v, maxValueRunes) }

// sanitize escapes control characters, so that a line stays one line.
func sanitize(s string) string { return printers.Sanitize(s) }

// counted renders "1 object" or "3 objects".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// printPlan prints each fabric's plan: a header line, then a line per
// change: "adopt  VPC default/vpc-2  /spec/subnets/default/vlan: 1002 →
// 1099 (fabrics/lab/vpcs/vpcs.yaml:19)".
func (o *Options) printPlan(mode string, plans []*fabricPlan) error {
	if o.Output == "json" {
		out := Plan{APIVersion: PlanAPIVersion, Kind: PlanKind, Mode: mode, DryRun: o.DryRun, Fabrics: []FabricPlan{}}
		for _, p := range plans {
			fp := FabricPlan{Name: p.name(), GitRevision: revisionOf(p.state), Steps: p.steps, NotPruned: p.kept, NotApplied: p.notApplied, Notes: p.notes}
			if fp.Steps == nil {
				fp.Steps = []Step{}
			}
			if fp.NotPruned == nil {
				fp.NotPruned = []Step{}
			}
			if fp.NotApplied == nil {
				fp.NotApplied = []Step{}
			}
			if fp.Notes == nil {
				fp.Notes = []string{}
			}
			if p.err != nil {
				fp.Error = p.err.Error()
			}
			out.Fabrics = append(out.Fabrics, fp)
		}
		return printers.WriteJSON(o.Out, out)
	}
	var b strings.Builder
	for _, p := range plans {
		writePlan(&b, p)
	}
	_, err := io.WriteString(o.Out, b.String())
	return err
}

func writePlan(b *strings.Builder, p *fabricPlan) {
	head := "fabric " + sanitize(p.name())
	if p.err != nil {
		msg := strings.TrimPrefix(p.err.Error(), "fabric "+p.name()+": ")
		fmt.Fprintf(b, "%s: error: %s\n", head, sanitize(msg))
		return
	}
	if rev := revisionOf(p.state); rev != "" {
		head += " (revision " + rev[:min(7, len(rev))] + ")"
	}
	counts := map[string]int{}
	var order []string
	for _, s := range p.steps {
		if counts[s.Action] == 0 {
			order = append(order, s.Action)
		}
		counts[s.Action]++
	}
	todo := "nothing to do"
	if len(order) > 0 {
		parts := make([]string, len(order))
		for i, a := range order {
			parts[i] = a + " " + counted(counts[a], "object")
		}
		todo = strings.Join(parts, ", ")
	}
	if len(p.notApplied) > 0 {
		todo += "; " + counted(len(p.notApplied), "object") + " not applied"
	}
	if len(p.kept) > 0 {
		todo += "; " + counted(len(p.kept), "object") + " not pruned"
	}
	fmt.Fprintf(b, "%s: %s\n", head, todo)
	for _, s := range slices.Concat(p.steps, p.notApplied, p.kept) {
		for _, c := range s.Changes {
			if s.Evidence != "" {
				c += " (" + sanitize(s.Evidence) + ")"
			}
			fmt.Fprintf(b, "%-5s  %s %s/%s  %s\n", s.Action, s.Kind, sanitize(s.Namespace), sanitize(s.Name), c)
		}
	}
	for _, n := range p.notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
}

// printResult prints the drift after acting: a summary line per fabric and
// the objects still not in sync.
func (o *Options) printResult(plans []*fabricPlan) error {
	rep := drift.NewReport()
	for _, p := range plans {
		fr := drift.FabricReport{Name: p.name(), GitRevision: p.revision}
		if p.err != nil {
			fr.Error = p.err.Error()
		} else if p.after != nil {
			fr.Resources, fr.Summary = p.after.Resources, p.after.Summary
		}
		rep.Add(fr)
	}
	if o.Output == "json" {
		return printers.WriteDriftData(o.Out, "json", rep)
	}
	fmt.Fprintln(o.Out)
	return printers.WriteDriftTable(o.Out, rep, printers.DriftOptions{Aligned: o.f.IsTerminal(), Color: o.f.Color()})
}

// reportf prints what was done: to stdout, or to stderr with -o json,
// which keeps stdout for JSON.
func (o *Options) reportf(format string, args ...interface{}) {
	w := o.Out
	if o.Output == "json" {
		w = o.ErrOut
	}
	fmt.Fprintf(w, format, args...)
}
