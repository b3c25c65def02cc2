package sync

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/snapshot"
)

// Summary is what `sync` prints: per fabric, counts by kind. It is also
// the schema of `sync -o json`.
type Summary struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Time       time.Time       `json:"time"`
	Fabrics    []FabricSummary `json:"fabrics"`
}

// FabricSummary counts one fabric's objects by kind.
type FabricSummary struct {
	Name        string        `json:"name"`
	GitRevision string        `json:"gitRevision"`
	GitRefresh  string        `json:"gitRefresh,omitempty"`
	Cluster     string        `json:"cluster,omitempty"`
	Error       string        `json:"error"`
	Kinds       []KindSummary `json:"kinds"`
	Total       KindSummary   `json:"total"`
	// Skipped are the documents of kinds kubectl-hnp does not manage.
	Skipped []resource.Skipped `json:"skipped"`
	// Agents count the switches by whether their agents applied their
	// latest config (when the cluster's switches were read).
	Agents *AgentsSummary `json:"agents,omitempty"`
	// Deployer is what the fabric's GitOps tool reports, when it has one.
	Deployer *drift.Pipeline `json:"deployer,omitempty"`
}

// KindSummary counts one kind's objects in Git, in the cluster, and by
// drift status.
type KindSummary struct {
	Kind               string `json:"kind"`
	Git                int    `json:"git"`
	Cluster            int    `json:"cluster"`
	InSync             int    `json:"inSync"`
	Drifted            int    `json:"drifted"`
	MissingFromCluster int    `json:"missingFromCluster"`
	NotInGit           int    `json:"notInGit"`
}

func (k *KindSummary) add(o KindSummary) {
	k.Git += o.Git
	k.Cluster += o.Cluster
	k.InSync += o.InSync
	k.Drifted += o.Drifted
	k.MissingFromCluster += o.MissingFromCluster
	k.NotInGit += o.NotInGit
}

// summarize counts a fabric's objects by kind, in the order of st.Kinds.
func summarize(st *cmdutil.FabricState, res *drift.Result) FabricSummary {
	fs := FabricSummary{Name: st.Fabric.Name, Kinds: []KindSummary{}, Skipped: st.Skipped}
	if fs.Skipped == nil {
		fs.Skipped = []resource.Skipped{}
	}
	if st.Workspace != nil {
		fs.GitRevision = st.Workspace.Revision
	}
	fs.Total.Kind = "TOTAL"
	if st.Err != nil {
		fs.Error = st.Err.Error()
		return fs
	}
	by := map[string]*KindSummary{}
	for _, k := range st.Kinds {
		by[k.Kind] = &KindSummary{Kind: k.Kind}
	}
	count := func(set resource.Set, inc func(*KindSummary)) {
		for key := range set {
			if ks := by[key.Kind]; ks != nil {
				inc(ks)
			}
		}
	}
	count(st.Desired, func(k *KindSummary) { k.Git++ })
	count(st.Actual, func(k *KindSummary) { k.Cluster++ })
	for _, r := range res.Resources {
		ks := by[r.Kind]
		if ks == nil {
			continue
		}
		switch r.Status {
		case drift.StatusInSync:
			ks.InSync++
		case drift.StatusDrifted:
			ks.Drifted++
		case drift.StatusMissingFromCluster:
			ks.MissingFromCluster++
		case drift.StatusNotInGit:
			ks.NotInGit++
		}
	}
	for _, k := range st.Kinds {
		fs.Kinds = append(fs.Kinds, *by[k.Kind])
		fs.Total.add(*by[k.Kind])
	}
	return fs
}

// compareState runs the drift engine on a loaded fabric with its ignore
// rules and the built-in profile; it returns the desired side as compared
// (defaulted as the fabric's webhooks store it) for the views.
func compareState(st *cmdutil.FabricState) (*drift.Result, drift.Options, resource.Set, error) {
	out, err := judge.Sets(&st.Fabric, st.Model, judge.Settings{}, st.Desired, st.Actual, st.Evidence)
	if err != nil {
		return nil, drift.Options{}, st.Desired, err
	}
	return out.Result, out.Options, out.Desired, nil
}

func (o *Options) runSummary(ctx context.Context) error {
	fabs, err := o.f.Fabrics(false)
	if err != nil {
		return err
	}
	lo := cmdutil.LoadOptions{Source: cmdutil.SourceBoth, Kinds: o.kinds, Selector: o.selector, Refresh: true, Fleet: o.Fleet, Agents: true, Deployer: true,
		// Compared after every fabric is read: the remote is asked each time.
		Recheck: func(*cmdutil.FabricState) bool { return true }}
	var bar *progress
	if o.f.StderrIsTerminal() {
		bar = newProgress(o.ErrOut, len(fabs)*len(o.kinds))
		lo.Progress = bar.step
	}
	states := o.f.LoadFabrics(ctx, fabs, lo)
	bar.done()
	sum := Summary{APIVersion: "hnp.githedgehog.com/v1alpha1", Kind: "SyncSummary", Time: o.f.Now().UTC(), Fabrics: []FabricSummary{}}
	var snap *snapshot.Snapshot
	if o.SaveSnapshot != "" {
		snap = snapshot.New(o.f.Now())
	}
	failed := false
	html := o.newHTMLReport()
	for _, st := range states {
		var res *drift.Result
		var opts drift.Options
		compared := st.Desired
		if st.Err == nil {
			if o.name != "" {
				st.Desired, st.Actual = st.Desired.Named(o.name), st.Actual.Named(o.name)
			}
			res, opts, compared, st.Err = compareState(st)
		}
		html.add(o, st, revisionOf(st), compared, st.Actual, res, opts, st.Err)
		fs := summarize(st, res)
		fs.Agents = summarizeAgents(st, o.f.Now())
		if st.Err == nil {
			var perr error
			if fs.Deployer, perr = o.f.Pipeline(ctx, st, res); perr != nil {
				fmt.Fprintf(o.ErrOut, "Warning: fabric %s: reading what Git holds after the deployed revision: %v\n", st.Fabric.Name, perr)
			}
		}
		if st.DeployerErr != nil {
			fmt.Fprintf(o.ErrOut, "Warning: fabric %s: %v\n", st.Fabric.Name, st.DeployerErr)
		}
		if st.Workspace != nil && st.Workspace.Refresh != nil {
			fs.GitRefresh = st.Workspace.Refresh.Message
		}
		if cl, err := o.f.Cluster(&st.Fabric); err == nil {
			fs.Cluster = cl.Host + " (namespace " + cl.Namespace + ")"
			if len(cl.Namespaces) > 1 {
				fs.Cluster = cl.Host + " (namespaces " + strings.Join(cl.Namespaces, ", ") + ")"
			}
			if snap != nil && st.Err == nil {
				snap.Add(st.Fabric.Name, cl.Host, cl.Namespace, st.Actual)
				snap.AddAgents(st.Fabric.Name, st.Agents)
				if st.Deployer != nil && st.Deployer.Status != nil {
					snap.AddDeployer(st.Fabric.Name, &st.Deployer.Status.Pipeline, st.Deployer.Status.Ignores)
				}
			}
		}
		if st.Err != nil {
			failed = true
			fmt.Fprintf(o.ErrOut, "Error: %v\n", st.Err)
		}
		sum.Fabrics = append(sum.Fabrics, fs)
	}
	if snap != nil {
		if err := snapshot.Write(o.SaveSnapshot, snap); err != nil {
			return fmt.Errorf("writing the snapshot: %w", err)
		}
		fmt.Fprintf(o.ErrOut, "snapshot of %d fabric(s) written to %s\n", len(snap.Fabrics), o.SaveSnapshot)
	}
	if err := html.write(o); err != nil {
		return err
	}
	if o.Output == "json" {
		if err := printers.WriteJSON(o.Out, sum); err != nil {
			return err
		}
	} else if err := writeSummary(o.Out, sum, o.f.IsTerminal()); err != nil {
		return err
	}
	if failed {
		return cmdutil.SilentExit(cmdutil.ExitError)
	}
	return nil
}

// writeSummary prints a header and a table by kind per fabric.
func writeSummary(w io.Writer, sum Summary, aligned bool) error {
	for i, fs := range sum.Fabrics {
		if i > 0 {
			fmt.Fprintln(w)
		}
		rev := fs.GitRevision
		if len(rev) > 7 {
			rev = rev[:7]
		}
		if rev == "" {
			rev = "-"
		}
		fmt.Fprintf(w, "fabric %s: Git revision %s", fs.Name, rev)
		if fs.GitRefresh != "" {
			fmt.Fprintf(w, " (%s)", fs.GitRefresh)
		}
		fmt.Fprintf(w, ", read %s", sum.Time.Format(time.RFC3339))
		if fs.Cluster != "" {
			fmt.Fprintf(w, ", cluster %s", fs.Cluster)
		}
		fmt.Fprintln(w)
		if line := printers.PipelineLine(fs.Name, fs.GitRevision, fs.Deployer); line != "" {
			fmt.Fprintln(w, line)
		}
		if line := printers.SkippedLine(fs.Skipped); line != "" {
			fmt.Fprintln(w, line)
		}
		if fs.Error != "" {
			fmt.Fprintf(w, "error: %s\n", printers.OneLine(fs.Error))
			continue
		}
		t := printers.Table{Header: []string{"KIND", "GIT", "CLUSTER", "IN SYNC", "DRIFTED", "MISSING FROM CLUSTER", "NOT IN GIT"}}
		for _, k := range append(fs.Kinds, fs.Total) {
			t.Rows = append(t.Rows, []string{k.Kind, itoa(k.Git), itoa(k.Cluster), itoa(k.InSync), itoa(k.Drifted), itoa(k.MissingFromCluster), itoa(k.NotInGit)})
		}
		if err := printers.WriteTable(w, t, printers.TableOptions{Aligned: aligned}); err != nil {
			return err
		}
		if fs.Agents != nil && (fs.Agents.Switches > 0 || fs.Agents.Note != "") {
			fmt.Fprintln(w, printers.Sanitize(fs.Agents.line()))
		}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
