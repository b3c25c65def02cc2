package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// goreleaserConfig is the part of .goreleaser.yaml the release files must
// agree on.
type goreleaserConfig struct {
	Version     int    `json:"version"`
	ProjectName string `json:"project_name"`
	Builds      []struct {
		ID      string   `json:"id"`
		Main    string   `json:"main"`
		Binary  string   `json:"binary"`
		Env     []string `json:"env"`
		Ldflags []string `json:"ldflags"`
		Goos    []string `json:"goos"`
		Goarch  []string `json:"goarch"`
	} `json:"builds"`
	Archives []struct {
		NameTemplate    string   `json:"name_template"`
		Formats         []string `json:"formats"`
		FormatOverrides []struct {
			Goos    string   `json:"goos"`
			Formats []string `json:"formats"`
		} `json:"format_overrides"`
		Files []string `json:"files"`
	} `json:"archives"`
	Checksum struct {
		NameTemplate string `json:"name_template"`
	} `json:"checksum"`
	Krews []struct {
		Name             string `json:"name"`
		URLTemplate      string `json:"url_template"`
		Homepage         string `json:"homepage"`
		ShortDescription string `json:"short_description"`
		Description      string `json:"description"`
		Caveats          string `json:"caveats"`
	} `json:"krews"`
}

// krewPlugin is a krew plugin manifest.
type krewPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		Homepage         string `json:"homepage"`
		ShortDescription string `json:"shortDescription"`
		Description      string `json:"description"`
		Caveats          string `json:"caveats"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			Sha256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

func readYAML(t *testing.T, rel string, into any) {
	t.Helper()
	b, err := os.ReadFile(repoPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

func TestGoreleaserBuildsWhatTheMakefileBuilds(t *testing.T) {
	var g goreleaserConfig
	readYAML(t, ".goreleaser.yaml", &g)
	if g.Version != 2 {
		t.Errorf("version: %d, want 2", g.Version)
	}
	if len(g.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(g.Builds))
	}
	b := g.Builds[0]
	if b.Main != "./cmd/kubectl-hnp" || b.Binary != "kubectl-hnp" {
		t.Errorf("build main %q binary %q", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %v lacks CGO_ENABLED=0", b.Env)
	}
	if got, want := sorted(b.Goos), []string{"darwin", "linux", "windows"}; !slices.Equal(got, want) {
		t.Errorf("goos %v, want %v", got, want)
	}
	if got, want := sorted(b.Goarch), []string{"amd64", "arm64"}; !slices.Equal(got, want) {
		t.Errorf("goarch %v, want %v", got, want)
	}

	// The same -X variables as the Makefile's LDFLAGS, and they exist.
	mk, err := os.ReadFile(repoPath(t, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	pkg := regexp.MustCompile(`(?m)^PKG\s*:?=\s*(\S+)`).FindSubmatch(mk)
	if pkg == nil {
		t.Fatal("no PKG in the Makefile")
	}
	var makeVars []string
	for _, m := range regexp.MustCompile(`-X (\S+)=`).FindAllSubmatch(mk, -1) {
		makeVars = append(makeVars, strings.ReplaceAll(string(m[1]), "$(PKG)", string(pkg[1])))
	}
	var relVars []string
	for _, m := range regexp.MustCompile(`-X (\S+)=`).FindAllStringSubmatch(strings.Join(b.Ldflags, " "), -1) {
		relVars = append(relVars, m[1])
	}
	if len(makeVars) == 0 || !slices.Equal(sorted(makeVars), sorted(relVars)) {
		t.Errorf("goreleaser sets %v, the Makefile %v", relVars, makeVars)
	}
	declared := packageVars(t, "pkg/cmd/version/version.go")
	for _, v := range relVars {
		name := v[strings.LastIndex(v, ".")+1:]
		if !strings.HasPrefix(v, string(pkg[1])+"/pkg/cmd/version.") || !declared[name] {
			t.Errorf("-X %s: pkg/cmd/version declares no variable %s", v, name)
		}
	}

	if len(g.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(g.Archives))
	}
	for _, f := range []string{"LICENSE", "README.md", "completions/*"} {
		if !slices.Contains(g.Archives[0].Files, f) {
			t.Errorf("archive files %v lack %s", g.Archives[0].Files, f)
		}
	}
	if g.Checksum.NameTemplate == "" {
		t.Error("no checksum file")
	}
}

// packageVars returns the names of the package-level variables of a Go file.
func packageVars(t *testing.T, rel string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), repoPath(t, rel), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				out[n.Name] = true
			}
		}
	}
	return out
}

func TestKrewManifestMatchesTheRelease(t *testing.T) {
	var g goreleaserConfig
	readYAML(t, ".goreleaser.yaml", &g)
	var p krewPlugin
	readYAML(t, "plugins/hnp.yaml", &p)
	if len(g.Krews) != 1 || len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf("want one krews, builds and archives entry in .goreleaser.yaml")
	}
	k, b, a := g.Krews[0], g.Builds[0], g.Archives[0]

	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" {
		t.Errorf("apiVersion %q kind %q", p.APIVersion, p.Kind)
	}
	// Krew wants the file named after the plugin, and kubectl finds the
	// plugin by the binary's name.
	if p.Metadata.Name != "hnp" || k.Name != p.Metadata.Name || b.Binary != "kubectl-"+p.Metadata.Name {
		t.Errorf("names: manifest %q, goreleaser krew %q, binary %q", p.Metadata.Name, k.Name, b.Binary)
	}
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(p.Spec.Version) {
		t.Errorf("spec.version %q is not vMAJOR.MINOR.PATCH", p.Spec.Version)
	}
	same := map[string][2]string{
		"homepage":         {p.Spec.Homepage, k.Homepage},
		"shortDescription": {p.Spec.ShortDescription, k.ShortDescription},
		"description":      {p.Spec.Description, k.Description},
		"caveats":          {p.Spec.Caveats, k.Caveats},
	}
	for field, v := range same {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[0]) != strings.TrimSpace(v[1]) {
			t.Errorf("%s differs between plugins/hnp.yaml and .goreleaser.yaml's krews:\n%q\n%q", field, v[0], v[1])
		}
	}

	// One platform per build target, pointing at the archive goreleaser
	// names for it.
	version := strings.TrimPrefix(p.Spec.Version, "v")
	want := map[string]bool{}
	for _, os := range b.Goos {
		for _, arch := range b.Goarch {
			want[os+"/"+arch] = true
		}
	}
	sha := regexp.MustCompile(`^[0-9a-f]{64}$`)
	for _, pl := range p.Spec.Platforms {
		os, arch := pl.Selector.MatchLabels["os"], pl.Selector.MatchLabels["arch"]
		key := os + "/" + arch
		if !want[key] {
			t.Errorf("platform %s: not built, or listed twice", key)
			continue
		}
		delete(want, key)
		format := a.Formats[0]
		for _, o := range a.FormatOverrides {
			if o.Goos == os {
				format = o.Formats[0]
			}
		}
		name := strings.NewReplacer("{{ .ProjectName }}", g.ProjectName, "{{ .Version }}", version, "{{ .Os }}", os, "{{ .Arch }}", arch).Replace(a.NameTemplate) + "." + format
		uri := strings.NewReplacer("{{ .Tag }}", p.Spec.Version, "{{ .ArtifactName }}", name).Replace(k.URLTemplate)
		if pl.URI != uri {
			t.Errorf("platform %s: uri %s, want %s", key, pl.URI, uri)
		}
		bin := b.Binary
		if os == "windows" {
			bin += ".exe"
		}
		if pl.Bin != bin {
			t.Errorf("platform %s: bin %q, want %q", key, pl.Bin, bin)
		}
		if !sha.MatchString(pl.Sha256) {
			t.Errorf("platform %s: sha256 %q is not 64 hex digits", key, pl.Sha256)
		}
	}
	for key := range want {
		t.Errorf("no platform entry for %s", key)
	}
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}
