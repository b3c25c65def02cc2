// Package drift compares the desired state of a fabric (objects read from
// Git) with its actual state (objects read from the cluster) and reports,
// per object and per field, where they differ. It is pure: no I/O.
//
// Objects are compared after normalisation (see Normalize). A field present
// only in the cluster is a server default and not drift, unless strict mode
// is on or the object's last-applied-configuration annotation shows that Git
// once set it. Labels and annotations that Git does not mention are not
// compared outside strict mode. Ignore rules remove whole subtrees.
//
// Views renders what was compared, and UnifiedDiff the difference between
// the two sides; both agree with Compare: an object in sync has no diff.
package drift

import (
	"encoding/json"

	"github.com/githedgehog/kubectl-hnp/pkg/writepath"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Status is the drift status of one object.
type Status string

// The statuses of an object.
const (
	// StatusInSync means Git and the cluster agree.
	StatusInSync Status = "inSync"
	// StatusDrifted means the object exists on both sides with differences.
	StatusDrifted Status = "drifted"
	// StatusMissingFromCluster means the object is in Git only.
	StatusMissingFromCluster Status = "missingFromCluster"
	// StatusNotInGit means the object is in the cluster only.
	StatusNotInGit Status = "notInGit"
	// StatusError means the object could not be judged: the server refused
	// the deployer's (dry-run) apply of Git's version (--server-side).
	StatusError Status = "error"
)

// DiffType says how one field differs.
type DiffType string

// The kinds of field difference.
const (
	// DiffChanged means both sides have the field with different values.
	DiffChanged DiffType = "changed"
	// DiffOnlyInGit means Git sets the field and the cluster lacks it.
	DiffOnlyInGit DiffType = "onlyInGit"
	// DiffOnlyInCluster means the cluster has a field that Git lacks and
	// that counts as drift (strict mode, or Git once applied it).
	DiffOnlyInCluster DiffType = "onlyInCluster"
)

// Options tune the comparison.
type Options struct {
	// Strict compares everything left after normalisation: fields only in
	// the cluster are drift, and so are labels and annotations Git does not
	// mention.
	Strict bool
	// Ignores are extra rules from the configuration and command line.
	Ignores []Rule
	// BuiltinIgnores adds BuiltinRules to Ignores.
	BuiltinIgnores bool
	// Managers are rules by field owner: fields the named managers own in
	// the cluster's copy of an object are not compared.
	Managers []ManagerRule
	// JQ are rules by jq path expression: what they select is deleted from
	// each side before the comparison.
	JQ []JQRule
	// Model is the write-path model of the fabric's CRDs: with it, fields
	// the server prunes are not compared and a field only in the cluster is
	// judged against its schema default. Without it (or for a kind it does
	// not know) a field only in the cluster inside a list Git sets is taken
	// for a server default.
	Model *writepath.Model
}

// Result is the outcome of a comparison.
type Result struct {
	// Resources holds every object of either side, sorted by kind,
	// namespace and name.
	Resources []ResourceResult `json:"resources"`
	Summary   Summary          `json:"summary"`
}

// HasDrift reports whether any object is not in sync.
func (r *Result) HasDrift() bool {
	return r.Summary.Total != r.Summary.InSync
}

// ResourceResult is the comparison of one object.
type ResourceResult struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Status    Status `json:"status"`
	// File and Line locate the desired object in Git, when there is one.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Diffs lists the differing fields of a drifted object, sorted by path.
	Diffs []FieldDiff `json:"diffs,omitempty"`
	// Error says why an object with StatusError could not be judged.
	Error string `json:"error,omitempty"`
	// PendingDeploy says that the object's Git side changed in a commit
	// newer than the revision the fabric's deployer applied: the
	// difference is "not deployed yet" rather than a change in the cluster.
	// The status stays what it is; Reason names the commit.
	PendingDeploy bool   `json:"pendingDeploy,omitempty"`
	Reason        string `json:"reason,omitempty"`
	// DeployerSkips, when set, says why the fabric's deployer is told not
	// to apply the object (Flux's kustomize.toolkit.fluxcd.io/ssa: Ignore,
	// ...): the difference is real, and the deployer will leave it. The
	// status stays what it is; as Flux's own diff skips such objects, drift
	// fails on them only with --fail-on skipped.
	DeployerSkips string `json:"deployerSkips,omitempty"`
}

// Key returns the identity of the compared object.
func (r *ResourceResult) Key() resource.Key {
	return resource.Key{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
}

// FieldDiff is one differing field.
type FieldDiff struct {
	// Path is a JSON pointer (RFC 6901) to the field.
	Path string `json:"path"`
	// Desired is the normalised value in Git; nil for DiffOnlyInCluster.
	Desired interface{} `json:"desired"`
	// Actual is the normalised value in the cluster; nil for DiffOnlyInGit.
	Actual interface{} `json:"actual"`
	Type   DiffType    `json:"type"`
}

// MarshalJSON writes the diff, leaving out the side that has no value while
// keeping values such as false and 0.
func (d FieldDiff) MarshalJSON() ([]byte, error) {
	var out struct {
		Path    string          `json:"path"`
		Desired json.RawMessage `json:"desired,omitempty"`
		Actual  json.RawMessage `json:"actual,omitempty"`
		Type    DiffType        `json:"type"`
	}
	out.Path, out.Type = d.Path, d.Type
	var err error
	if d.Type != DiffOnlyInCluster {
		if out.Desired, err = json.Marshal(d.Desired); err != nil {
			return nil, err
		}
	}
	if d.Type != DiffOnlyInGit {
		if out.Actual, err = json.Marshal(d.Actual); err != nil {
			return nil, err
		}
	}
	return json.Marshal(out)
}

// Summary counts objects by status.
type Summary struct {
	Total              int `json:"total"`
	InSync             int `json:"inSync"`
	Drifted            int `json:"drifted"`
	MissingFromCluster int `json:"missingFromCluster"`
	NotInGit           int `json:"notInGit"`
	// Errors counts objects with StatusError.
	Errors int `json:"errors,omitempty"`
	// PendingDeploy counts the objects not in sync whose Git side the
	// deployer has not applied yet (counted in their status too).
	PendingDeploy int `json:"pendingDeploy,omitempty"`
	// DeployerSkips counts the objects not in sync (and not pendingDeploy)
	// that the deployer is told not to apply (counted in their status
	// too).
	DeployerSkips int `json:"deployerSkips,omitempty"`
}

func (s *Summary) add(st Status) {
	s.Total++
	switch st {
	case StatusInSync:
		s.InSync++
	case StatusDrifted:
		s.Drifted++
	case StatusMissingFromCluster:
		s.MissingFromCluster++
	case StatusNotInGit:
		s.NotInGit++
	case StatusError:
		s.Errors++
	}
}

// SetError marks one object of the result as not judged, with the reason,
// and counts it again.
func (r *Result) SetError(k resource.Key, err error) {
	for i := range r.Resources {
		if r.Resources[i].Key() == k {
			r.Resources[i].Status, r.Resources[i].Diffs, r.Resources[i].Error = StatusError, nil, err.Error()
			r.Summary = SummaryOf(r.Resources)
			return
		}
	}
}
