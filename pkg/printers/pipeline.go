package printers

import (
	"fmt"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// PipelineLine renders a fabric's deployment pipeline for the headers of
// drift and sync: "fabric lab: Git 8ea6e54, Flux applied 3a1c0d2 (2
// commits behind), Ready=False: <the deployer's message>". "" without a
// deployer.
func PipelineLine(fabricName, gitRevision string, p *drift.Pipeline) string {
	if p == nil {
		return ""
	}
	tool := "Flux"
	if p.Tool == "argocd" {
		tool = "Argo CD"
	}
	line := "fabric " + sanitize(fabricName) + ": Git " + dashEmpty(sanitize(shortRevision(gitRevision))) + ", " + tool + " " + sanitize(p.Name)
	switch {
	case p.Revision == "":
		line += " applied nothing yet"
	case p.Revision == gitRevision:
		line += " applied " + sanitize(shortRevision(p.Revision)) + " (up to date)"
	case p.Behind > 0:
		line += fmt.Sprintf(" applied %s (%s behind)", sanitize(shortRevision(p.Revision)), plural(p.Behind, "commit"))
	default:
		line += " applied " + sanitize(shortRevision(p.Revision)) + " (not on Git's branch)"
	}
	if p.Suspended {
		line += ", suspended"
	}
	line += ", Ready=" + sanitize(p.Ready)
	if p.Ready != "True" && p.Message != "" {
		line += ": " + OneLine(p.Message)
	}
	return line
}
