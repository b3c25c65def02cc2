package edit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/githedgehog/kubectl-hnp/internal/editor"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// errCancelled ends an edit that changed nothing (exit 0).
var errCancelled = errors.New("edit cancelled")

// headerEnd is the last line of the header above the object; everything up
// to it is removed when the file is read back.
const headerEnd = "# ---- kubectl-hnp: everything above this line is removed ----\n"

func header(fab *fabric.Fabric, loc *writeback.Located, what string, problems []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# kubectl hnp edit: %s, fabric %s\n", what, fab.Name)
	fmt.Fprintf(&b, "# from %s:%d (document %d of the file). Only this document changes;\n", loc.File, loc.Line(), loc.Doc.Index+1)
	b.WriteString("# its comments and the rest of the file are kept.\n")
	b.WriteString("# Save and quit to validate, commit and push. Save it unchanged, or empty, to cancel.\n")
	b.WriteString("# apiVersion, kind, metadata.name and metadata.namespace may not change.\n")
	if len(problems) > 0 {
		b.WriteString("#\n# The edit below could not be used:\n")
		for _, p := range problems {
			for _, line := range strings.Split(strings.TrimRight(p, "\n"), "\n") {
				b.WriteString("#   " + line + "\n")
			}
		}
	}
	b.WriteString(headerEnd)
	return b.Bytes()
}

// stripHeader removes our header from what the editor saved.
func stripHeader(b []byte) []byte {
	if i := bytes.Index(b, []byte(headerEnd)); i >= 0 {
		return b[i+len(headerEnd):]
	}
	return b
}

// editInteractive runs the editor until the user saves a valid object,
// cancels by saving it unchanged, or saves an invalid edit unchanged a
// second time (exit 2, the edit kept in a file).
func (o *Options) editInteractive(ctx context.Context, fab *fabric.Fabric, loc *writeback.Located, checker *cmdutil.Checker, what string) ([]byte, error) {
	if o.f.Getenv("KUBE_EDITOR") == "" && o.f.Getenv("EDITOR") == "" && !stdinIsTerminal(o.In) {
		return nil, fmt.Errorf("no editor can run: stdin is not a terminal and neither KUBE_EDITOR nor EDITOR is set; for scripts use --set, --patch or -f")
	}
	ed := editor.FromEnv(o.f.Getenv, "KUBE_EDITOR", "EDITOR")
	doc := loc.DocBytes
	var problems []string
	for {
		shown := append(header(fab, loc, what, problems), doc...)
		saved, path, err := ed.EditTemp("kubectl-hnp-edit-", ".yaml", shown, o.In, o.Out, o.ErrOut)
		if path != "" {
			defer os.Remove(path)
		}
		if err != nil {
			err = fmt.Errorf("the editor failed: %w", err)
			if bytes.Equal(doc, loc.DocBytes) {
				return nil, err // nothing edited yet: nothing to save
			}
			return nil, o.keep(what, doc, err)
		}
		edited := stripHeader(saved)
		if len(bytes.TrimSpace(edited)) == 0 || bytes.Equal(edited, loc.DocBytes) {
			return nil, errCancelled
		}
		if problems != nil && bytes.Equal(edited, doc) {
			return nil, o.keep(what, edited, fmt.Errorf("edit cancelled: the errors were not fixed, nothing written:\n  %s", strings.Join(problems, "\n  ")))
		}
		doc = edited
		if problems = check(ctx, loc, checker, edited); problems == nil {
			return edited, nil
		}
		fmt.Fprintf(o.ErrOut, "error: %s is invalid; reopening the editor\n", what)
	}
}

// check parses and validates an edited document; it returns the problems.
func check(ctx context.Context, loc *writeback.Located, checker *cmdutil.Checker, doc []byte) []string {
	obj, err := manifest.ParseDoc(doc)
	if err != nil {
		return []string{"invalid YAML: " + err.Error()}
	}
	if err := writeback.CheckIdentity(loc.Object, obj); err != nil {
		return strings.Split(err.Error(), "\n")
	}
	if err := checker.Check(ctx, obj); err != nil {
		return strings.Split(err.Error(), "\n")
	}
	return nil
}

func (o *Options) keep(what string, edit []byte, err error) error {
	p, serr := cmdutil.SaveEdit(what, edit)
	if serr != nil {
		return err
	}
	return fmt.Errorf("%w\nYour edit was saved to %s", err, p)
}

func stdinIsTerminal(in io.Reader) bool {
	f, ok := in.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
