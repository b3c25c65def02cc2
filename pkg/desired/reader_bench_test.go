package desired

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchTree writes a fabric of files×docs objects shaped like real ones:
// VPCs with subnets and connections with links, plus comments.
func benchTree(b *testing.B, files, docs int) string {
	root := b.TempDir()
	tree := map[string]string{}
	for f := range files {
		var sb strings.Builder
		for d := range docs {
			sb.WriteString(benchDoc(f*docs + d))
		}
		tree[fmt.Sprintf("fabrics/lab/part-%03d/objects.yaml", f)] = sb.String()
	}
	writeTree(b, root, tree)
	return root
}

// benchDoc returns the n-th object: VPCs and connections alternate.
func benchDoc(n int) string {
	if n%2 == 0 {
		return fmt.Sprintf(`---
# VPC %[1]d
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-%[1]d
  namespace: default
  labels:
    fabric.githedgehog.com/tier: "gold"
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default:
      subnet: 10.%[2]d.%[3]d.0/24
      gateway: 10.%[2]d.%[3]d.1
      vlan: %[4]d
      dhcp:
        enable: true
        range:
          start: 10.%[2]d.%[3]d.10
          end: 10.%[2]d.%[3]d.99
`, n, n/256%256, n%256, 1000+n%3000)
	}
	return fmt.Sprintf(`---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: server-%[1]d--mclag--leaf-1--leaf-2
spec:
  mclag:
    links:
    - server:
        port: server-%[1]d/enp2s1
      switch:
        port: leaf-1/E1/%[2]d
    - server:
        port: server-%[1]d/enp2s2
      switch:
        port: leaf-2/E1/%[2]d
    mtu: 9036
`, n, n%48+1)
}

func BenchmarkLoad(b *testing.B) {
	root := benchTree(b, 100, 100)
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		d, err := Load(root, "fabrics/lab")
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Objects) != 10000 {
			b.Fatalf("loaded %d objects", len(d.Objects))
		}
	}
	// CPU time per load: less sensitive than wall time to other processes
	// competing for the machine; wall time ≈ cpu-ms/op ÷ cores when idle.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user plus system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParse compares the fast path with yaml.v3 on one file of 100
// typical documents.
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	for n := range 100 {
		sb.WriteString(benchDoc(n))
	}
	src := []byte(sb.String())
	b.Run("simple", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := parseSimpleYAML(src); !ok {
				b.Fatal("fast path refused the file")
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, errs := parseYAML(src); errs != nil {
				b.Fatal(errs)
			}
		}
	})
}
