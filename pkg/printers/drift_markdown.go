package printers

import (
	"errors"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

var markdownStatus = map[drift.Status]string{
	drift.StatusInSync:             "✅ inSync",
	drift.StatusDrifted:            "⚠️ drifted",
	drift.StatusMissingFromCluster: "❌ missingFromCluster",
	drift.StatusNotInGit:           "↻ notInGit",
	drift.StatusError:              "❗ error",
}

// WriteDriftMarkdown writes r as GitHub-flavoured Markdown for a pull
// request comment: a verdict heading, a summary table of the fabrics, and
// per fabric the resources not in sync, with the differing fields of each
// drifted one in a collapsed block.
func WriteDriftMarkdown(w io.Writer, r *drift.Report) error {
	if r == nil {
		return errors.New("no drift report to print")
	}
	var b strings.Builder
	writeMarkdownVerdict(&b, r)
	b.WriteString("\n| Fabric | Revision | Total | In sync | Drifted | Missing from cluster | Not in Git |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|\n")
	for _, f := range r.Fabrics {
		rev := mdCell(shortRevision(f.GitRevision))
		if rev == "" {
			rev = "–"
		}
		if f.Error != "" {
			fmt.Fprintf(&b, "| %s | %s | ❌ error | – | – | – | – |\n", mdCell(f.Name), rev)
			continue
		}
		s := f.Summary
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d |\n",
			mdCell(f.Name), rev, s.Total, s.InSync, s.Drifted, s.MissingFromCluster, s.NotInGit)
	}
	writeMarkdownPipelines(&b, r)
	for _, f := range r.Fabrics {
		writeMarkdownFabric(&b, f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownVerdict(b *strings.Builder, r *drift.Report) {
	failed := 0
	for _, f := range r.Fabrics {
		if f.Error != "" {
			failed++
		}
	}
	notInSync := r.Summary.Total - r.Summary.InSync
	pending, skips := r.Summary.PendingDeploy, r.Summary.DeployerSkips
	switch {
	case notInSync > 0 && notInSync == pending+skips && failed == 0:
		var parts []string
		if pending > 0 {
			parts = append(parts, plural(pending, "resource")+" not deployed yet (pendingDeploy)")
		}
		if skips > 0 {
			parts = append(parts, plural(skips, "resource")+" skipped by Flux")
		}
		fmt.Fprintf(b, "### ⏳ No drift; %s\n", strings.Join(parts, ", "))
	case notInSync > 0:
		fmt.Fprintf(b, "### ⚠️ Drift found in %s", plural(notInSync, "resource"))
		if pending > 0 {
			fmt.Fprintf(b, " (%d not deployed yet)", pending)
		}
		if skips > 0 {
			fmt.Fprintf(b, " (%d skipped by Flux)", skips)
		}
		b.WriteString("\n")
		if failed > 0 {
			fmt.Fprintf(b, "\n❌ %s could not be checked.\n", plural(failed, "fabric"))
		}
	case failed > 0:
		fmt.Fprintf(b, "### ❌ %s could not be checked\n", plural(failed, "fabric"))
	default:
		b.WriteString("### ✅ No drift\n")
	}
}

func writeMarkdownFabric(b *strings.Builder, f drift.FabricReport) {
	if f.Error != "" {
		fmt.Fprintf(b, "\n#### Fabric %s\n\n❌ Could not read the fabric: %s\n", mdCell(f.Name), mdCell(f.Error))
		return
	}
	var shown []drift.ResourceResult
	for _, res := range f.Resources {
		if res.Status != drift.StatusInSync {
			shown = append(shown, res)
		}
	}
	defer writeMarkdownUnapplied(b, f)
	if len(shown) == 0 {
		return
	}
	fmt.Fprintf(b, "\n#### Fabric %s\n\n| Kind | Name | Status | File |\n|---|---|---|---|\n", mdCell(f.Name))
	for _, res := range shown {
		status, ok := markdownStatus[res.Status]
		if !ok {
			status = string(res.Status)
		}
		if res.PendingDeploy {
			status = "⏳ " + string(res.Status) + " (pendingDeploy)"
		} else if res.DeployerSkips != "" {
			status = "⏭️ " + string(res.Status) + " (skipped by Flux)"
		}
		file := fileLocation(res)
		if file == "" {
			file = "–"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdCell(res.Kind), mdCell(resourceName(res)), mdCell(status), mdCell(file))
	}
	for _, res := range shown {
		if res.PendingDeploy {
			fmt.Fprintf(b, "\n⏳ %s %s: not deployed yet: %s\n", mdCell(res.Kind), mdCell(resourceName(res)), mdCell(res.Reason))
		} else if res.DeployerSkips != "" {
			fmt.Fprintf(b, "\n⏭️ %s %s: skipped by Flux: %s\n", mdCell(res.Kind), mdCell(resourceName(res)), mdCell(res.DeployerSkips))
		}
	}
	for _, res := range shown {
		if len(res.Diffs) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n<details><summary>%s %s: %s</summary>\n\n| Path | Git | Cluster |\n|---|---|---|\n",
			html.EscapeString(sanitize(res.Kind)), html.EscapeString(sanitize(resourceName(res))), plural(len(res.Diffs), "field"))
		for _, d := range res.Diffs {
			git, cluster := diffSides(d)
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(d.Path), mdCell(git), mdCell(cluster))
		}
		b.WriteString("\n</details>\n")
	}
}

// writeMarkdownPipelines lists the fabrics' deployers under the summary
// table: what each applied against Git, and whether it is Ready.
func writeMarkdownPipelines(b *strings.Builder, r *drift.Report) {
	first := true
	for _, f := range r.Fabrics {
		if f.Error != "" || f.Deployer == nil {
			continue
		}
		if first {
			b.WriteString("\n**Deployers**\n\n")
			first = false
		}
		mark := "✅"
		if f.Deployer.Ready != "True" || f.Deployer.Suspended {
			mark = "⚠️"
		}
		fmt.Fprintf(b, "- %s %s\n", mark, mdCell(PipelineLine(f.Name, f.GitRevision, f.Deployer)))
	}
}

// mdEscaper backslash-escapes the characters that would end a table cell,
// open a code span, emphasis, link or HTML tag, or make an entity.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`,
	"[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "&", `\&`, "~", `\~`,
)

var mdNewlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// mdCell makes s safe as the text of a Markdown table cell, on one line.
func mdCell(s string) string {
	return mdEscaper.Replace(sanitize(mdNewlines.Replace(s)))
}
