package writeback

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
)

// ListNewFiles wraps a create's change function for a kustomize fabric
// (the kustomization in renderPath): each new file the change writes is
// added to the resources: list of the kustomization of its directory, or
// of the nearest directory above it, that the build reaches. The tree is
// rendered again: the build must succeed and render every new document.
func ListNewFiles(renderPath string, fn gitstate.ChangeFunc) gitstate.ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		out, err := fn(root)
		if err != nil {
			return nil, err
		}
		before, err := render.RenderWith(root, renderPath, nil)
		if err != nil {
			return nil, err
		}
		written := make([]string, 0, len(out))
		for file := range out {
			written = append(written, file)
		}
		sort.Strings(written)
		for _, file := range written {
			if _, listed := before.Listed[file]; listed || out[file] == nil {
				continue
			}
			kust := nearestKustomization(before.Kustomizations, file)
			if kust == "" {
				return nil, fmt.Errorf("%s is outside every kustomization the build of %s reaches; use --into with a listed file", file, renderPath)
			}
			src, ok := out[kust]
			if !ok {
				if src, err = readFile(root, kust); err != nil {
					return nil, err
				}
			}
			rel := strings.TrimPrefix(file, path.Dir(kust)+"/")
			if path.Dir(kust) == "." {
				rel = file
			}
			if out[kust], err = addResource(kust, src, rel); err != nil {
				return nil, err
			}
		}
		after, err := render.RenderWith(root, renderPath, out)
		if err != nil {
			return nil, fmt.Errorf("with the new objects the kustomization does not build: %w", err)
		}
		for _, file := range written {
			if _, was := before.Listed[file]; was || out[file] == nil {
				continue
			}
			n := 0
			for _, o := range after.Objects {
				if o.Source != nil && o.Source.File == file {
					n++
				}
			}
			if n == 0 {
				return nil, fmt.Errorf("%s is listed but renders no object", file)
			}
		}
		return out, nil
	}
}

// nearestKustomization returns the kustomization, among those of a
// build, in file's directory or the nearest one above it.
func nearestKustomization(kusts []string, file string) string {
	best := ""
	for _, k := range kusts {
		d := path.Dir(k)
		if (d == "." || strings.HasPrefix(file, d+"/")) && (best == "" || len(d) > len(path.Dir(best))) {
			best = k
		}
	}
	return best
}

// addResource appends entry to the resources: list of a kustomization
// file, keeping everything else byte for byte.
func addResource(file string, src []byte, entry string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a kustomization", file)
	}
	m := doc.Content[0]
	lines := bytes.SplitAfter(src, []byte("\n"))
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "resources" {
			continue
		}
		seq := m.Content[i+1]
		if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
			return nil, fmt.Errorf("%s:%d: add %q to resources: by hand (only a non-empty block list is edited)", file, m.Content[i].Line, entry)
		}
		last := seq.Content[len(seq.Content)-1]
		line := string(lines[last.Line-1])
		dash := strings.Index(line, "- ")
		if dash < 0 {
			return nil, fmt.Errorf("%s:%d: add %q to resources: by hand", file, last.Line, entry)
		}
		add := []byte(line[:dash+2] + entry + "\n")
		out := append([]byte(nil), bytes.Join(lines[:last.Line], nil)...)
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
		out = append(out, add...)
		return append(out, bytes.Join(lines[last.Line:], nil)...), nil
	}
	out := append([]byte(nil), src...)
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	return append(out, []byte("resources:\n- "+entry+"\n")...), nil
}
