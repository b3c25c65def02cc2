//go:build e2ebench

package root

// Issue 12's performance target on a kustomize fabric: drift on 10,000
// objects rendered through a base and an overlay, render cache cold and
// warm, against `kubectl get` of the same objects.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// e2eKzOverlay is the kustomize fabric's overlay; its base holds the e2e
// fabric's 100 files, listed under resources.
const (
	e2eKzBase    = "fabrics/e2e-kz/base"
	e2eKzOverlay = "fabrics/e2e-kz/overlay"
)

// e2eKzFixture writes the kustomize fabric into the e2e working tree
// (uncommitted, read in place): the base lists the plain fabric's files,
// the overlay takes the base and sets the namespace, which the objects
// already name, so that the rendered objects are the plain fabric's and
// drift finds the same objects drifted.
var e2eKzFixture = sync.OnceValues(func() (*e2eState, error) {
	st, err := e2eFixture()
	if err != nil {
		return nil, err
	}
	src := filepath.Join(st.repo, e2eFabricDir)
	entries, err := os.ReadDir(src)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(st.repo, e2eKzBase)
	if err := os.MkdirAll(base, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(base, e.Name()), b, 0o644); err != nil {
			return nil, err
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- " + strings.Join(names, "\n- ") + "\n"
	if err := os.WriteFile(filepath.Join(base, "kustomization.yaml"), []byte(k), 0o644); err != nil {
		return nil, err
	}
	overlay := filepath.Join(st.repo, e2eKzOverlay)
	if err := os.MkdirAll(overlay, 0o755); err != nil {
		return nil, err
	}
	k = fmt.Sprintf("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: %s\nresources:\n- ../base\n", e2eNamespace)
	return st, os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), []byte(k), 0o644)
})

// BenchmarkE2EKustomizeDriftVsKubectlGet compares `kubectl hnp drift` on
// the kustomize fabric (10,000 objects through base + overlay) with
// `kubectl get` of the same 12 kinds as JSON, both run in every iteration
// in alternating order: "cold" removes the render cache before every
// drift (untimed), so that each drift renders on pkg/render's fast path;
// "warm" serves the build from the cache.
func BenchmarkE2EKustomizeDriftVsKubectlGet(b *testing.B) {
	st, err := e2eKzFixture()
	if err != nil {
		b.Fatal(err)
	}
	driftArgs := []string{st.bin, "drift", "-o", "json", "--repo", st.repo, "--dir", e2eKzOverlay,
		"--kubeconfig", lab.KubeconfigPath, "-n", e2eNamespace, "--exit-code=false"}
	getArgs := st.getArgs()
	kz := *st
	cacheHome := b.TempDir()
	kz.env = append(st.env[:len(st.env):len(st.env)], "XDG_CACHE_HOME="+cacheHome)
	st = &kz
	renderCache := filepath.Join(cacheHome, "kubectl-hnp", "render")
	for _, cold := range []bool{true, false} {
		name := map[bool]string{true: "cold", false: "warm"}[cold]
		b.Run(name, func(b *testing.B) {
			check := func(b *testing.B, r e2eRun) {
				st.checkKzDrift(b, r)
				if cold {
					if err := os.RemoveAll(renderCache); err != nil {
						b.Fatal(err)
					}
				}
			}
			// Untimed: the first drift fills the cache (warm) or checks the
			// default --fabric-timeout suffices for a cold render.
			check(b, st.run(b, driftArgs))
			if !cold {
				if _, err := os.Stat(renderCache); err != nil {
					b.Fatalf("the render cache is not filled: %v", err)
				}
			}
			checkGet(b, st.run(b, getArgs))
			st.alternate(b, driftArgs, getArgs, check)
		})
	}
}

// checkKzDrift checks drift's report on the kustomize fabric: the plain
// fabric's verdicts, and every object's source file in the base.
func (st *e2eState) checkKzDrift(b *testing.B, r e2eRun) {
	b.Helper()
	st.checkDrift(b, r)
	var rep drift.Report
	if err := json.Unmarshal(r.out, &rep); err != nil {
		b.Fatalf("drift output: %v", err)
	}
	for _, res := range rep.Fabrics[0].Resources {
		if !strings.HasPrefix(res.File, e2eKzBase+"/") {
			b.Fatalf("%s/%s: source file %q, want one in %s", res.Kind, res.Name, res.File, e2eKzBase)
		}
	}
}
