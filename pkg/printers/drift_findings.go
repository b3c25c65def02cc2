package printers

import (
	"fmt"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// driftHelpURI documents drift's statuses.
const driftHelpURI = "https://github.com/githedgehog/kubectl-hnp/blob/main/docs/drift.md"

// The rule ids of drift findings.
const (
	RuleFabricError   = "drift/fabricError"
	RuleSkipped       = "drift/skipped"
	RulePendingDeploy = "drift/pendingDeploy"
	RuleDeployerSkips = "drift/deployerSkips"
	RuleDeployer      = "drift/deployer"
)

// pipelineRules are the rules of the deployer's findings: an object not
// deployed yet, and the state of a fabric's deployer.
var pipelineRules = []Rule{
	{ID: RulePendingDeploy, Name: "ObjectPendingDeploy", Level: LevelWarning, HelpURI: gitopsHelpURI,
		Short: "The object changed in Git after the revision the deployer applied: not deployed yet.",
		Full:  "The object differs from Git, and its Git document (or, for a kustomize fabric, its source file or a patch selecting it) changed in a commit newer than the one the fabric's deployer (Flux, Argo CD) last applied: the deployer has not deployed it yet. drift does not fail on it unless --fail-on pending."},
	{ID: RuleDeployerSkips, Name: "ObjectSkippedByDeployer", Level: LevelWarning, HelpURI: driftHelpURI,
		Short: "The object differs from Git, and Flux is told not to apply it.",
		Full:  "The object differs from Git, and it or its Git document carries a Flux policy that keeps kustomize-controller from applying it (kustomize.toolkit.fluxcd.io/reconcile: disabled, ssa: Ignore, or ssa: IfNotPresent once it exists): Flux's own diff skips it, and so does the deployer. drift does not fail on it unless --fail-on skipped."},
	{ID: RuleDeployer, Name: "DeployerState", Level: LevelNote, HelpURI: gitopsHelpURI,
		Short: "The state of the fabric's deployer.",
		Full:  "The revision the fabric's deployer (Flux Kustomization, Argo CD Application) last applied against Git's, and whether it is Ready; a warning when it is not Ready or is suspended."},
}

// gitopsHelpURI documents the deployer and pendingDeploy.
const gitopsHelpURI = "https://github.com/githedgehog/kubectl-hnp/blob/main/docs/gitops.md"

// DriftRules are the rules that drift findings refer to: one per status
// that is not in sync, a fabric that could not be read, and a skipped
// document.
var DriftRules = []Rule{
	{ID: statusRule(drift.StatusDrifted), Name: "ObjectDrifted", Level: LevelError, HelpURI: driftHelpURI,
		Short: "A field of the object in the cluster differs from Git.",
		Full:  "The object exists in Git and in the cluster, and a field differs: the cluster no longer matches the desired state. Fix Git (kubectl hnp sync --adopt) or the cluster (kubectl hnp sync --apply)."},
	{ID: statusRule(drift.StatusMissingFromCluster), Name: "ObjectMissingFromCluster", Level: LevelError, HelpURI: driftHelpURI,
		Short: "The object is in Git but not in the cluster.",
		Full:  "Git declares the object and the cluster does not have it: it was not deployed yet, or was deleted by hand."},
	{ID: statusRule(drift.StatusNotInGit), Name: "ObjectNotInGit", Level: LevelError, HelpURI: driftHelpURI,
		Short: "The object is in the cluster but not in Git.",
		Full:  "The cluster has an object of a managed kind that Git does not declare: it was made by hand or by another tool, or removed from Git and not pruned. The finding is placed at the top of a file of the fabric that holds objects of its kind."},
	{ID: statusRule(drift.StatusError), Name: "ObjectNotJudged", Level: LevelError, HelpURI: driftHelpURI,
		Short: "The object could not be judged.",
		Full:  "The API server refused the object's server-side dry run (--server-side), so whether it drifted is unknown; the message gives the server's reason."},
	{ID: RuleFabricError, Name: "FabricNotRead", Level: LevelError, HelpURI: driftHelpURI,
		Short: "The fabric could not be read.",
		Full:  "Git or the cluster of the fabric could not be read, so its drift is unknown."},
	{ID: RuleSkipped, Name: "DocumentSkipped", Level: LevelNote, HelpURI: driftHelpURI,
		Short: "A document of a kind kubectl-hnp does not manage was skipped.",
		Full:  "The fabric's directory holds a document of a kind that kubectl-hnp does not manage; it was left alone and not compared."},
}

func statusRule(s drift.Status) string { return "drift/" + string(s) }

// DriftFindings maps r into findings: one per differing field of a drifted
// object, one per other object not in sync or not judged (status error),
// one per fabric that could not be read (without a file), and a note per
// skipped document. Failed is set when a fabric or an object could not be
// judged. An object only
// in the cluster has no document; its finding is placed on line 1 of the
// first file of the fabric that holds its kind (else any file of the
// fabric), so that code scanning, which needs a location, can show it.
func DriftFindings(r *drift.Report) Findings {
	out := Findings{Rules: append([]Rule(nil), DriftRules...)}
	known := map[string]bool{}
	for _, rule := range DriftRules {
		known[rule.ID] = true
	}
	for _, f := range r.Fabrics {
		if f.Error != "" {
			out.Failed = true
			out.Findings = append(out.Findings, Finding{Rule: RuleFabricError, Level: LevelError, Key: f.Name,
				Title:   fmt.Sprintf("fabric %s could not be read", f.Name),
				Message: fmt.Sprintf("fabric %s: %s", f.Name, f.Error)})
			continue
		}
		if f.Deployer != nil {
			out.Findings = append(out.Findings, deployerFinding(f))
		}
		for _, res := range f.Resources {
			if res.Status == drift.StatusInSync {
				continue
			}
			if res.Status == drift.StatusError {
				out.Failed = true
			}
			if id := statusRule(res.Status); !known[id] {
				known[id] = true
				out.Rules = append(out.Rules, Rule{ID: id, Name: "Object" + upperFirst(string(res.Status)), Level: LevelError,
					HelpURI: driftHelpURI, Short: fmt.Sprintf("The object's status is %s.", res.Status)})
			}
			out.Findings = append(out.Findings, resourceFindings(f, res)...)
		}
		for _, s := range f.Skipped {
			kind := s.Kind
			if kind == "" {
				kind = "(no kind)"
			}
			what := kind
			if s.APIVersion != "" {
				what += " (" + s.APIVersion + ")"
			}
			if s.Name != "" {
				what += " " + s.Name
			}
			out.Findings = append(out.Findings, Finding{Rule: RuleSkipped, Level: LevelNote, File: s.File, Line: s.Line,
				Key:     fmt.Sprintf("%s/skipped/%s:%d", f.Name, s.File, s.Line),
				Title:   fmt.Sprintf("skipped: %s", kind),
				Message: fmt.Sprintf("fabric %s: document %s skipped: kubectl-hnp does not manage this kind", f.Name, what)})
		}
		if uf := unappliedFindings(f); len(uf) > 0 {
			if !known[RuleUnapplied] {
				known[RuleUnapplied] = true
				out.Rules = append(out.Rules, unappliedRule)
			}
			out.Findings = append(out.Findings, uf...)
		}
	}
	for _, rule := range pipelineRules {
		if used(out.Findings, rule.ID) {
			out.Rules = append(out.Rules, rule)
		}
	}
	out.Summary = driftSummaryLine(r)
	return out
}

// used says whether a finding breaks the rule.
func used(fs []Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// deployerFinding is the state of a fabric's deployer: a note, or a
// warning when it is not Ready or suspended. It has no place in the
// repository.
func deployerFinding(f drift.FabricReport) Finding {
	p := f.Deployer
	level := LevelNote
	if p.Ready != "True" || p.Suspended {
		level = LevelWarning
	}
	line := PipelineLine(f.Name, f.GitRevision, p)
	// The title is the deployer's part: "Flux flux-system/lab applied ...,
	// Ready=True", without the message.
	_, title, _ := strings.Cut(line, ", ")
	title, _, _ = strings.Cut(title, ": ")
	return Finding{Rule: RuleDeployer, Level: level, Key: f.Name + "/deployer", Title: "fabric " + f.Name + ": " + title, Message: line}
}

// resourceFindings are the findings of one object not in sync.
func resourceFindings(f drift.FabricReport, res drift.ResourceResult) []Finding {
	fs := statusFindings(f, res)
	if !res.PendingDeploy {
		if res.DeployerSkips != "" {
			// Skipped by Flux: a warning of its own rule, saying why.
			for i := range fs {
				fs[i].Rule, fs[i].Level = RuleDeployerSkips, LevelWarning
				fs[i].Title += " (skipped by Flux)"
				fs[i].Message += "; skipped by Flux: " + res.DeployerSkips
			}
		}
		return fs
	}
	// Not deployed yet: a warning of its own rule, saying why.
	for i := range fs {
		fs[i].Rule, fs[i].Level = RulePendingDeploy, LevelWarning
		fs[i].Title += " (pendingDeploy)"
		fs[i].Message += "; not deployed yet (pendingDeploy): " + res.Reason
	}
	return fs
}

// statusFindings are the findings of one object's status.
func statusFindings(f drift.FabricReport, res drift.ResourceResult) []Finding {
	obj := res.Kind + " " + resourceName(res)
	base := Finding{Rule: statusRule(res.Status), Level: LevelError, File: res.File, Line: res.Line,
		Key: fmt.Sprintf("%s/%s/%s", f.Name, res.Kind, resourceName(res))}
	if base.File == "" {
		base.File, base.Line = anchorFile(f, res.Kind)
	}
	switch res.Status {
	case drift.StatusDrifted:
		if len(res.Diffs) == 0 {
			break
		}
		out := make([]Finding, len(res.Diffs))
		for i, d := range res.Diffs {
			git, cluster := diffSides(d)
			fd := base
			fd.Key += d.Path
			fd.Title = fmt.Sprintf("%s drifted: %s", obj, d.Path)
			fd.Message = fmt.Sprintf("fabric %s: %s drifted: %s is %s in Git and %s in the cluster (%s)",
				f.Name, obj, d.Path, git, cluster, d.Type)
			out[i] = fd
		}
		return out
	case drift.StatusMissingFromCluster:
		base.Title = obj + " missing from the cluster"
		base.Message = fmt.Sprintf("fabric %s: %s is in Git but not in the cluster", f.Name, obj)
		return []Finding{base}
	case drift.StatusNotInGit:
		base.Title = obj + " not in Git"
		base.Message = fmt.Sprintf("fabric %s: %s is in the cluster but not in Git", f.Name, obj)
		return []Finding{base}
	case drift.StatusError:
		base.Title = obj + " not judged"
		base.Message = fmt.Sprintf("fabric %s: %s could not be judged: %s", f.Name, obj, res.Error)
		return []Finding{base}
	}
	base.Title = fmt.Sprintf("%s %s", obj, res.Status)
	base.Message = fmt.Sprintf("fabric %s: %s is %s", f.Name, obj, res.Status)
	return []Finding{base}
}

// anchorFile is where a finding without a document of its own goes: line 1
// of the first file of f holding kind, else of f's first file; "" when f
// has no file.
func anchorFile(f drift.FabricReport, kind string) (string, int) {
	first := ""
	for _, res := range f.Resources {
		if res.File == "" {
			continue
		}
		if res.Kind == kind {
			return res.File, 1
		}
		if first == "" {
			first = res.File
		}
	}
	if first == "" {
		return "", 0
	}
	return first, 1
}

// driftSummaryLine says how many objects are not in sync and which
// fabrics failed.
func driftSummaryLine(r *drift.Report) string {
	var failed []string
	for _, f := range r.Fabrics {
		if f.Error != "" {
			failed = append(failed, f.Name)
		}
	}
	s := r.Summary
	line := fmt.Sprintf("kubectl-hnp drift: %d of %s not in sync (drifted %d, missingFromCluster %d, notInGit %d)",
		s.Total-s.InSync-s.Errors, plural(s.Total, "object"), s.Drifted, s.MissingFromCluster, s.NotInGit)
	if s.PendingDeploy > 0 {
		line += fmt.Sprintf("; %d of them not deployed yet (pendingDeploy)", s.PendingDeploy)
	}
	if s.DeployerSkips > 0 {
		line += fmt.Sprintf("; %d of them skipped by Flux (deployerSkips)", s.DeployerSkips)
	}
	if s.Errors > 0 {
		line += fmt.Sprintf("; %d not judged (error)", s.Errors)
	}
	if len(failed) > 0 {
		line += fmt.Sprintf("; %s could not be read: %s", plural(len(failed), "fabric"), strings.Join(failed, ", "))
	}
	return line
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
