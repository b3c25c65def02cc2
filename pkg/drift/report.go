package drift

import "github.com/githedgehog/kubectl-hnp/pkg/resource"

// Report identity, as printed by `drift -o json|yaml`.
const (
	ReportAPIVersion = "hnp.githedgehog.com/v1alpha1"
	ReportKind       = "DriftReport"
)

// Report is the result of `kubectl hnp drift` over one or more fabrics: the
// stable, documented schema of its JSON and YAML output.
type Report struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Summary    Summary        `json:"summary"`
	Fabrics    []FabricReport `json:"fabrics"`
}

// FabricReport is the drift of one fabric. Error is set when the fabric
// could not be read; its Resources are then empty. Skipped lists the
// documents in the fabric's directory of kinds kubectl-hnp does not manage.
type FabricReport struct {
	Name        string             `json:"name"`
	GitRevision string             `json:"gitRevision"`
	Error       string             `json:"error"`
	Summary     Summary            `json:"summary"`
	Resources   []ResourceResult   `json:"resources"`
	Skipped     []resource.Skipped `json:"skipped"`
	// Unapplied are the switches whose agents have not applied their
	// latest config (only when the live cluster's Agents were read).
	Unapplied []Unapplied `json:"unapplied"`
}

// NewReport returns an empty report.
func NewReport() *Report {
	return &Report{APIVersion: ReportAPIVersion, Kind: ReportKind, Fabrics: []FabricReport{}}
}

// Add appends a fabric's result and adds its counts to the total.
func (r *Report) Add(f FabricReport) {
	if f.Resources == nil {
		f.Resources = []ResourceResult{}
	}
	if f.Skipped == nil {
		f.Skipped = []resource.Skipped{}
	}
	if f.Unapplied == nil {
		f.Unapplied = []Unapplied{}
	}
	r.Fabrics = append(r.Fabrics, f)
	r.Summary.Total += f.Summary.Total
	r.Summary.InSync += f.Summary.InSync
	r.Summary.Drifted += f.Summary.Drifted
	r.Summary.MissingFromCluster += f.Summary.MissingFromCluster
	r.Summary.NotInGit += f.Summary.NotInGit
	r.Summary.Errors += f.Summary.Errors
}

// HasDrift reports whether any resource of any fabric is not in sync.
func (r *Report) HasDrift() bool { return r.Summary.Total != r.Summary.InSync }

// HasErrors reports whether any fabric failed or any object could not be
// judged.
func (r *Report) HasErrors() bool {
	for _, f := range r.Fabrics {
		if f.Error != "" || f.Summary.Errors > 0 {
			return true
		}
	}
	return false
}

// SummaryOf counts the statuses of resources.
func SummaryOf(rs []ResourceResult) Summary {
	var s Summary
	for _, r := range rs {
		s.add(r.Status)
	}
	return s
}
