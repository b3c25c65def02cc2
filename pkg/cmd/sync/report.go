package sync

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/report"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// htmlReport gathers the fabrics' drift for --report FILE.html.
type htmlReport struct {
	rep *drift.Report
	in  report.Input
}

func (o *Options) newHTMLReport() *htmlReport {
	if o.Report == "" {
		return nil
	}
	return &htmlReport{rep: drift.NewReport(), in: report.Input{Title: "kubectl hnp sync", Generated: o.f.Now(), Fabrics: map[string]*report.FabricData{}}}
}

// add records a fabric's state and drift (res nil when it failed, err
// then says why). revision is the Git revision compared.
func (h *htmlReport) add(o *Options, st *cmdutil.FabricState, revision string, desired, actual resource.Set, res *drift.Result, opts drift.Options, err error) {
	if h == nil {
		return
	}
	fab := &st.Fabric
	fr := drift.FabricReport{Name: fab.Name, GitRevision: revision, Skipped: st.Skipped}
	data := &report.FabricData{WebURL: fab.Git.WebURL, Diffs: map[resource.Key]string{}}
	if o.RepoURLTemplate != "" {
		data.WebURL = o.RepoURLTemplate
	}
	h.in.Fabrics[fab.Name] = data
	switch {
	case err != nil:
		fr.Error = strings.TrimPrefix(err.Error(), "fabric "+fab.Name+": ")
	case res != nil:
		fr.Resources, fr.Summary = res.Resources, res.Summary
		fr.Unapplied = cmdutil.Unapplied(st, o.name, o.f.Now())
		data.Desired, data.Actual = desired, actual
		for _, r := range res.Resources {
			if r.Status != drift.StatusDrifted {
				continue
			}
			k := r.Key()
			if text, derr := drift.UnifiedDiff(r, desired[k], actual[k], opts); derr == nil {
				data.Diffs[k] = text
			}
		}
	}
	h.rep.Add(fr)
}

// write renders the report into o.Report, whole or not at all.
func (h *htmlReport) write(o *Options) error {
	if h == nil {
		return nil
	}
	h.in.Report = h.rep
	var b bytes.Buffer
	if err := printers.WriteDriftHTML(&b, h.in); err != nil {
		return fmt.Errorf("--report %s: %w", o.Report, err)
	}
	if err := atomicfile.WriteFile(o.Report, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--report %s: %w", o.Report, err)
	}
	fmt.Fprintf(o.ErrOut, "HTML report written to %s\n", o.Report)
	return nil
}
