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
	// Deployer is what the fabric's GitOps tool reports; absent when the
	// fabric has none (or the cluster was not read).
	Deployer *Pipeline `json:"deployer,omitempty"`
}

// Pipeline is the state of a fabric's GitOps tool: the revision it last
// applied, whether it is Ready, and how far Git is ahead of it.
type Pipeline struct {
	// Tool is "flux" or "argocd".
	Tool string `json:"tool"`
	// Name is the Kustomization or Application, "namespace/name".
	Name string `json:"name"`
	// Revision is the commit sha last applied; "" when none was.
	Revision string `json:"revision"`
	// Ready is "True", "False" or "Unknown".
	Ready string `json:"ready"`
	// Message is the deployer's message (on failure, the reason).
	Message string `json:"message,omitempty"`
	// LastAttempt is the commit sha the deployer last tried to apply.
	LastAttempt string `json:"lastAttempt,omitempty"`
	// Suspended says the deployer does not deploy (Flux spec.suspend).
	Suspended bool `json:"suspended,omitempty"`
	// Behind counts the commits of Git's branch after Revision.
	Behind int `json:"behind,omitempty"`
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
	r.Summary.PendingDeploy += f.Summary.PendingDeploy
	r.Summary.DeployerSkips += f.Summary.DeployerSkips
}

// HasDrift reports whether any resource of any fabric is not in sync.
func (r *Report) HasDrift() bool { return r.Summary.Total != r.Summary.InSync }

// HasRealDrift reports whether any resource is not in sync for another
// reason than a Git change its deployer has not applied yet, or the
// deployer being told to leave it.
func (r *Report) HasRealDrift() bool {
	return r.Summary.Total-r.Summary.InSync-r.Summary.PendingDeploy-r.Summary.DeployerSkips > 0
}

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
		switch {
		case r.Status == StatusInSync:
		case r.PendingDeploy:
			s.PendingDeploy++
		case r.DeployerSkips != "":
			s.DeployerSkips++
		}
	}
	return s
}
