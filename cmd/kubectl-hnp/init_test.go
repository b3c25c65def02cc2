package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The quick start (issue 14): Go runs every linked package's initialiser
// before main, whatever the command, so `version` and completion pay for
// all of them. This guard re-runs the test binary (which links what the
// command links) with GODEBUG=inittrace=1 and checks that kubectl-hnp's own
// packages do no heavy work in init, and that the number of initialisers
// does not creep up unnoticed (a new dependency with a heavy init).

const (
	module = "github.com/githedgehog/kubectl-hnp/"
	// ownInitBytes bounds what one of our packages may allocate in init:
	// tables and small maps, not compiled schemas, schemes or regexps by
	// the dozen (build those with sync.OnceValue on first use).
	ownInitBytes = 64 << 10
	// maxInits is the number of package initialisers measured when this
	// guard was last tightened (364 in the binary, 368 in this test binary),
	// with a margin. Raise it knowingly: measure
	// `GODEBUG=inittrace=1 kubectl-hnp version` and update docs/performance.md.
	maxInits = 385
)

// maxInitBytes, the bound on what all initialisers allocate together, is in
// race_off_test.go and race_on_test.go: a -race build allocates more.

// unlinked are packages with heavy initialisers that kubectl-hnp once
// linked and now does without (docs/performance.md, Start-up): a new import
// that brings one back fails here, so that it is a choice, not an accident.
var unlinked = map[string]string{
	"k8s.io/client-go/kubernetes/scheme":                                   "client-go's scheme of every built-in kind: reached through genericclioptions, client-go/discovery or a typed clientset; use cmdutil.KubeFlags, clusterstate.RESTDiscovery, the dynamic client",
	"k8s.io/kubectl/pkg/scheme":                                            "kubectl's scheme: reached through kubectl's cmd/util (its editor among them); use internal/editor",
	"k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/scheme": "the apiextensions clientset's scheme: read CRDs as validate.Fetch does",
	"k8s.io/client-go/informers":                                           "every typed informer: reached through dynamic/dynamicinformer; build the informer from tools/cache as clusterstate.Watch does",
}

type initTrace struct {
	pkg   string
	bytes int64
}

func traceInits(t *testing.T) []initTrace {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var out []initTrace
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @0.1 ms, 0.02 ms clock, 7416 bytes, 66 allocs
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		b, err := strconv.ParseInt(f[7], 10, 64)
		if err != nil {
			t.Fatalf("unexpected inittrace line %q", sc.Text())
		}
		out = append(out, initTrace{pkg: f[1], bytes: b})
	}
	return out
}

func TestInitOfOwnPackagesIsLight(t *testing.T) {
	inits := traceInits(t)
	own := 0
	for _, in := range inits {
		if !strings.HasPrefix(in.pkg, module) {
			continue
		}
		own++
		if in.bytes > ownInitBytes {
			t.Errorf("package %s allocates %d bytes in init (limit %d): defer the work to first use (sync.OnceValue)", in.pkg, in.bytes, ownInitBytes)
		}
	}
	// kinds, fabric, the command packages, ...: if none shows up the trace
	// format changed and this guard guards nothing.
	if own < 5 {
		t.Fatalf("only %d of kubectl-hnp's packages in the init trace: has its format changed?", own)
	}
}

func TestNumberOfInitialisersDoesNotCreep(t *testing.T) {
	inits := traceInits(t)
	n := len(inits)
	if n < 100 {
		t.Fatalf("only %d initialisers in the init trace: has its format changed?", n)
	}
	if n > maxInits {
		t.Errorf("%d package initialisers run before main, more than %d: a new dependency adds start-up work to every command (see docs/performance.md, Start-up)", n, maxInits)
	}
	var total int64
	for _, in := range inits {
		total += in.bytes
		if why, ok := unlinked[in.pkg]; ok {
			t.Errorf("%s is linked again (%d bytes in init): %s", in.pkg, in.bytes, why)
		}
	}
	if total > maxInitBytes {
		t.Errorf("the initialisers allocate %d bytes in all, more than %d (see docs/performance.md, Start-up)", total, maxInitBytes)
	}
}
