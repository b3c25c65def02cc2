package render

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// benchLayout is a base of n VPCs in 100 files and an overlay with a
// namePrefix, a label and a targeted patch.
func benchLayout(n int) fstest.MapFS {
	src := fstest.MapFS{}
	var res strings.Builder
	res.WriteString("resources:\n")
	per := max(n/100, 1)
	for f := 0; f*per < n; f++ {
		var sb strings.Builder
		for i := f * per; i < min((f+1)*per, n); i++ {
			fmt.Fprintf(&sb, "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-%d\nspec:\n  subnets:\n    default:\n      subnet: 10.%d.%d.0/24\n      vlan: %d\n", i, i/256%256, i%256, 1000+i%3000)
		}
		name := fmt.Sprintf("vpcs-%03d.yaml", f)
		src["base/"+name] = &fstest.MapFile{Data: []byte(sb.String())}
		fmt.Fprintf(&res, "- %s\n", name)
	}
	src["base/kustomization.yaml"] = &fstest.MapFile{Data: []byte(res.String())}
	src["overlay/kustomization.yaml"] = &fstest.MapFile{Data: []byte(`resources:
- ../base
namePrefix: lab-
labels:
- pairs:
    fabric: lab
patches:
- target: {kind: VPC, name: vpc-1}
  patch: '[{"op": "replace", "path": "/spec/subnets/default/vlan", "value": 2001}]'
`)}
	return src
}

func benchmarkRender(b *testing.B, n int, fast bool) {
	src := benchLayout(n)
	b.ReportAllocs()
	for b.Loop() {
		res, err := buildWith(src, "overlay", "overlay/kustomization.yaml", fast)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Objects) != n || res.renderer != map[bool]string{true: "fast", false: "krusty"}[fast] {
			b.Fatalf("%d objects rendered by %s (%s)", len(res.Objects), res.renderer, res.fallback)
		}
	}
}

// BenchmarkRender1000 renders 1,000 VPCs through a base and an overlay
// (namePrefix, labels, a targeted patch), cold: no render cache.
func BenchmarkRender1000(b *testing.B) { benchmarkRender(b, 1000, true) }

// BenchmarkRender10000 is BenchmarkRender1000 with 10,000 VPCs: the fast
// path is linear (the target is under 1 s).
func BenchmarkRender10000(b *testing.B) { benchmarkRender(b, 10000, true) }

// BenchmarkRenderKrusty1000 renders the same 1,000 VPCs with krusty, for
// the ratio: krusty's build grows quadratically with the objects
// (resWrangler.Append checks every new resource against all others), so
// 10,000 (minutes) is not run here: see docs/kustomize.md.
func BenchmarkRenderKrusty1000(b *testing.B) { benchmarkRender(b, 1000, false) }
