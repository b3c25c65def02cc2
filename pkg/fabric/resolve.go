package fabric

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/githedgehog/kubectl-hnp/internal/suggest"
)

// Selection is what the user asked for on the command line: fabric names
// (--fabric, HNP_FABRIC) and/or an ad-hoc fabric (--repo, --dir, --branch).
type Selection struct {
	Names  []string
	Repo   string
	Dir    string
	Branch string
}

// AdhocName is the name of a fabric given by --repo without --fabric.
const AdhocName = "adhoc"

// SplitNames flattens repeated and comma-separated --fabric values.
func SplitNames(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, n := range strings.Split(v, ",") {
			n = strings.TrimSpace(n)
			if n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// Resolve returns the fabrics a command acts on. With one set, a single
// fabric is required: the named one, the default, or the only one.
// Without it (read commands), no names mean every configured fabric.
func Resolve(cfg *Config, sel Selection, single bool) ([]Fabric, error) {
	names := SplitNames(sel.Names)
	if sel.Repo != "" {
		if len(names) > 1 {
			return nil, fmt.Errorf("--repo defines one ad-hoc fabric; give at most one --fabric name with it")
		}
		f := Fabric{Name: AdhocName, Git: GitSpec{URL: sel.Repo, Dir: sel.Dir, Branch: sel.Branch}}
		if len(names) == 1 {
			f.Name = names[0]
			// A configured fabric of that name lends its cluster and auth.
			if c, ok := cfg.Find(names[0]); ok {
				f.Cluster, f.Ignore = c.Cluster, c.Ignore
				f.Git.Auth = c.Git.Auth
			}
		}
		if err := f.Validate(); err != nil {
			return nil, err
		}
		return []Fabric{f}, nil
	}
	if sel.Dir != "" || sel.Branch != "" {
		return nil, fmt.Errorf("--dir and --branch go with --repo")
	}
	if len(cfg.Fabrics) == 0 {
		return nil, fmt.Errorf("no fabrics configured: add one with `kubectl hnp fabric add NAME --repo URL --dir DIR`, or name a repository with --repo and --dir")
	}
	if len(names) == 0 {
		switch {
		case !single:
			return append([]Fabric(nil), cfg.Fabrics...), nil
		case cfg.DefaultFabric != "":
			names = []string{cfg.DefaultFabric}
		case len(cfg.Fabrics) == 1:
			names = []string{cfg.Fabrics[0].Name}
		default:
			return nil, fmt.Errorf("%d fabrics are configured (%s) and none is the default: choose one with --fabric", len(cfg.Fabrics), strings.Join(cfg.Names(), ", "))
		}
	}
	if single && len(names) > 1 {
		return nil, fmt.Errorf("this command acts on one fabric, got %d: %s", len(names), strings.Join(names, ", "))
	}
	out := make([]Fabric, 0, len(names))
	for _, n := range names {
		f, ok := cfg.Find(n)
		if !ok {
			hint := ""
			if h := suggest.Hint(n, cfg.Names()); h != "" {
				hint = " (" + h + ")"
			}
			return nil, fmt.Errorf("unknown fabric %q%s; configured fabrics: %s", n, hint, strings.Join(cfg.Names(), ", "))
		}
		out = append(out, *f)
	}
	return out, nil
}

// ExpandHome replaces a leading "~/" with the home directory.
func ExpandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}
