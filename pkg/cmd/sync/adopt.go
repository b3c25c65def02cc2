package sync

// sync --adopt: the cluster's side goes to Git, in one commit per fabric.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// runAdopt writes what only the cluster has, and the cluster's values of
// drifted fields, to Git.
func (o *Options) runAdopt(ctx context.Context) error {
	return o.resolve(ctx, mode{
		name: actionAdopt,
		plan: o.planAdopt,
		act:  o.actAdopt,
		question: func(n int) string {
			return "adopt " + counted(n, "object") + " from the cluster into Git"
		},
	})
}

// planAdopt computes the new documents and the edited ones. Every object
// written is validated first (--validate; schema by default, as the
// cluster accepted these objects already); an invalid one fails the
// fabric, and nothing of it is written.
func (o *Options) planAdopt(ctx context.Context, p *fabricPlan) {
	st := p.state
	fab := &st.Fabric
	// Committing resets a cache clone to the remote tip first: commits it
	// holds that the remote lacks (edit --no-push) would be lost.
	if ws := st.Workspace; ws != nil && !ws.Local && ws.Refresh != nil && ws.Refresh.Ahead > 0 {
		p.err = fmt.Errorf("fabric %s: the cache clone %s holds %s the remote lacks (%s); push or export them first (git -C %s log @{u}..), then adopt",
			fab.Name, ws.Root, counted(ws.Refresh.Ahead, "commit"), ws.Refresh.Message, ws.Root)
		return
	}
	// A cache clone reads from its object store; adopting reads the files
	// it changes from Root: check them out.
	if err := st.Workspace.Checkout(ctx); err != nil {
		p.err = fmt.Errorf("fabric %s: %w", fab.Name, err)
		return
	}
	// Adopting into a kustomize fabric would write rendered values (name
	// prefixes, patched fields) into source documents.
	if renders, err := render.HasKustomization(st.Workspace.Root, fab.Git.RenderPath()); err != nil || renders {
		p.err = fmt.Errorf("fabric %s: sync --adopt does not write into kustomize fabrics (%s renders a kustomization); change Git with edit, create and delete", fab.Name, fab.Git.RenderPath())
		if err != nil {
			p.err = fmt.Errorf("fabric %s: %w", fab.Name, err)
		}
		return
	}
	o.markPending(ctx, p)
	ns := o.f.Namespace(fab)
	root := st.Workspace.Root
	rules := append(drift.BuiltinRules(), p.opts.Ignores...)
	var (
		layout  *writeback.Layout
		checker *cmdutil.Checker
		errs    []error
		// puts are the objects as Git will hold them after the adoption.
		puts []*unstructured.Unstructured
	)
	check := func(what string, obj map[string]interface{}) error {
		if checker == nil {
			mode := o.Validate
			if mode == "" {
				mode = cmdutil.ValidateSchema
			}
			c, err := o.f.Checker(ctx, fab, mode)
			if err != nil {
				return err
			}
			checker = c
		}
		if err := checker.Check(ctx, obj); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	for _, r := range p.result.Resources {
		key := r.Key()
		if r.PendingDeploy && r.Status != drift.StatusMissingFromCluster && !p.outsideSelection(key) {
			// The cluster has not caught up with Git: its side is older
			// than Git's, and writing it to Git would revert the commit.
			p.notes = append(p.notes, fmt.Sprintf("%s not adopted: pendingDeploy: %s; the cluster has not caught up with Git yet, and adopting its side would undo that commit", key, r.Reason))
			continue
		}
		switch r.Status {
		case drift.StatusNotInGit:
			if p.outsideSelection(key) {
				continue
			}
			if layout == nil {
				l, err := writeback.LoadLayout(root, fab.Git.Dir)
				if err != nil {
					p.err = fmt.Errorf("fabric %s: %w", fab.Name, err)
					return
				}
				layout = l
			}
			k, ok := kinds.Lookup(key.Kind)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: not a kind kubectl-hnp manages", key))
				continue
			}
			obj := writeback.ForGit(st.Actual[key].Obj.Object, ns, rules)
			if err := check(key.String(), obj); err != nil {
				errs = append(errs, err)
				continue
			}
			puts = append(puts, &unstructured.Unstructured{Object: obj})
			text, err := manifest.Encode(obj)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
				continue
			}
			file := layout.Place(k, key.Name)
			where := "→ new file " + file
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(file))); err == nil {
				where = "→ appended to " + file
			}
			s := newStep(actionAdopt, r)
			s.File, s.Changes = file, []string{where}
			p.steps = append(p.steps, s)
			p.adds = append(p.adds, writeback.NewDoc{Key: key, File: file, Text: text})
		case drift.StatusDrifted:
			loc, err := writeback.LocateOrigin(root, key, st.Desired[key].Origin)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if err := writeback.AdoptFields(loc.Object, r.Diffs, st.Actual[key].Obj.Object); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
				continue
			}
			if err := check(fmt.Sprintf("%s (%s:%d)", key, r.File, r.Line), loc.Object); err != nil {
				errs = append(errs, err)
				continue
			}
			puts = append(puts, &unstructured.Unstructured{Object: loc.Object})
			text, err := manifest.Rewrite(loc.DocBytes, loc.Object)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
				continue
			}
			at := fmt.Sprintf("%s:%d", r.File, r.Line)
			s := newStep(actionAdopt, r)
			s.File = at
			for _, d := range r.Diffs {
				s.Changes = append(s.Changes, fieldChange(d.Path, d.Desired, d.Actual, d.Type != drift.DiffOnlyInCluster, d.Type != drift.DiffOnlyInGit)+" ("+at+")")
			}
			p.steps = append(p.steps, s)
			p.edits = append(p.edits, writeback.DocEdit{Loc: loc, Text: text})
		case drift.StatusMissingFromCluster:
			if o.name != "" {
				p.notes = append(p.notes, fmt.Sprintf("%s is missing from the cluster: --adopt leaves it in Git (--apply creates it, delete removes it)", key))
			}
		}
	}
	if len(errs) == 0 && len(puts) > 0 && o.Validate != cmdutil.ValidateNone {
		// The adopted objects together, as a change of the whole fabric.
		before, err := o.f.FabricDesired(root, fab)
		if err == nil {
			err = o.f.CheckRules(fab, before, fabriccheck.Change{Put: puts, Stored: true}, o.Validate)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		p.steps, p.edits, p.adds = nil, nil, nil
		p.err = fmt.Errorf("fabric %s: cannot adopt:\n%w", fab.Name, errors.Join(errs...))
	}
}

// actAdopt commits and pushes the plan as one change, then reads the
// committed tree (not fetched again: with --no-push the commit lives only
// in the workspace) to compare it with the cluster.
func (o *Options) actAdopt(ctx context.Context, p *fabricPlan) error {
	st := p.state
	fab := &st.Fabric
	ns := o.f.Namespace(fab)
	var body, edit bytes.Buffer
	for _, s := range p.steps {
		for _, c := range s.Changes {
			fmt.Fprintf(&body, "- %s %s/%s: %s\n", s.Kind, s.Namespace, s.Name, c)
		}
	}
	for _, e := range p.edits {
		edit.WriteString("---\n")
		edit.Write(e.Text)
	}
	for _, a := range p.adds {
		edit.WriteString("---\n")
		edit.Write(a.Text)
	}
	subject := fmt.Sprintf("kubectl-hnp: adopt %s from the cluster (fabric %s)", counted(len(p.steps), "object"), fab.Name)
	if len(p.steps) == 1 {
		s := p.steps[0]
		subject = fmt.Sprintf("kubectl-hnp: adopt %s %s/%s from the cluster (fabric %s)", s.Kind, s.Namespace, s.Name, fab.Name)
	}
	change := &cmdutil.Change{
		Fabric: fab, Workspace: st.Workspace, Fn: writeback.Adopt(fab.Git.Dir, ns, p.edits, p.adds),
		Message: subject + "\n\n" + body.String(), Edit: edit.Bytes(),
		What: "adopt " + counted(len(p.steps), "object"),
	}
	res, err := o.f.Commit(ctx, change, o.CommitFlags)
	if err != nil {
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	if o.Output == "json" {
		o.reportf("%s: committed %s in %s (fabric %s)\n", change.What, res.Commit, strings.Join(res.Files, ", "), fab.Name)
	} else {
		o.f.Report(change, res)
	}
	if o.NewBranch != "" {
		// The adoption is on the review branch; the fabric's branch, which
		// the cluster follows, is as it was.
		o.reportf("fabric %s: the adoption is on branch %s; the fabric's branch is unchanged until it is merged\n", fab.Name, o.NewBranch)
		p.desired, p.actual, p.revision = st.Desired, st.Actual, revisionOf(st)
		if o.name != "" {
			p.desired, p.actual = p.desired.Named(o.name), p.actual.Named(o.name)
		}
		return nil
	}
	d, err := desired.Load(st.Workspace.Root, fab.Git.Dir)
	if err != nil {
		return fmt.Errorf("fabric %s: reading the committed tree: %w", fab.Name, err)
	}
	p.desired = cmdutil.InNamespace(cmdutil.Filter(d.Objects, o.kinds, o.selector), ns)
	if o.name != "" {
		p.desired = p.desired.Named(o.name)
	}
	p.actual = st.Actual
	p.revision = res.Commit
	return nil
}

// markPending marks the results whose Git side changed after the revision
// the fabric's deployer applied (pendingDeploy), as drift does. Without a
// deployer nothing is marked; one that could not be read is a note, since
// such changes then look like drift.
func (o *Options) markPending(ctx context.Context, p *fabricPlan) {
	st := p.state
	if st.DeployerErr != nil {
		p.notes = append(p.notes, fmt.Sprintf("the deployer could not be read (%v): a Git change it has not applied yet looks like drift here, and adopting it would undo the change", st.DeployerErr))
		return
	}
	if _, err := o.f.Pipeline(ctx, st, p.result); err != nil {
		p.notes = append(p.notes, fmt.Sprintf("reading what Git holds after the deployed revision: %v: a Git change the deployer has not applied yet looks like drift here, and adopting it would undo the change", err))
	}
}
