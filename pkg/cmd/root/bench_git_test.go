//go:build gitbench

package root

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// The history benchmark (issue 14): a fabric repository as real ones are,
// one file per object and years of history, read cold (a fresh cache) and
// warm (fetch and read) by `kubectl hnp list --source git`, against
// `git clone` and `git fetch` plus reading the files, on the same machine
// in the same run. `make bench-git` runs it:
//
//	go test -tags gitbench -run '^$' -bench GitHistory -benchtime 3x -timeout 60m ./pkg/cmd/root/
//
// HNP_BENCH_OBJECTS and HNP_BENCH_COMMITS change the repository's size
// (default 8,500 and 5,000); HNP_BENCH_BEFORE names another kubectl-hnp
// binary (such as one built from main) to measure beside this one.

const benchGitDir = "fabrics/bench"

// benchGitKinds are the kinds of the generated objects, in turn.
var benchGitKinds = []struct{ dir, doc string }{
	{"vpcs", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: %[1]s\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default:\n      subnet: 10.%[2]d.%[3]d.0/24\n      vlan: %[4]d\n"},
	{"servers", "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: %[1]s\nspec:\n  description: server %[2]d.%[3]d, rack %[4]d\n"},
	{"connections", "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: %[1]s\nspec:\n  unbundled:\n    link:\n      server: {port: %[1]s/enp2s1}\n      switch: {port: leaf-%[2]d/E1/%[3]d}\n"},
	{"switches", "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: %[1]s\nspec:\n  role: server-leaf\n  asn: %[4]d\n  description: leaf %[2]d.%[3]d\n"},
}

// benchGitFile is the path and content of object i at version v.
func benchGitFile(i, v int) (string, string) {
	k := benchGitKinds[i%len(benchGitKinds)]
	name := fmt.Sprintf("%s-%05d", strings.TrimSuffix(k.dir, "s"), i)
	return benchGitDir + "/" + k.dir + "/" + name + ".yaml", fmt.Sprintf(k.doc, name, i/256, i%256, 1000+(i+v)%3000)
}

func benchEnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// benchHistoryRepo returns a bare repository whose branch main holds
// objects files (one object each) after commits commits: the first adds
// them all, each later one changes one file. It is made once with `git
// fast-import` and kept in the user cache, keyed by its parameters.
func benchHistoryRepo(b *testing.B, objects, commits int) string {
	b.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(cache, "kubectl-hnp-dev", "bench-git", fmt.Sprintf("objects-%d-commits-%d-v1", objects, commits))
	repo := filepath.Join(dir, "remote.git")
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return repo
	}
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	testbed.Git(b, dir, "init", "-q", "--bare", "-b", "main", repo)
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env = repo, testbed.GitEnv()
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(in, 1<<20)
	when := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for c := range commits {
		msg := fmt.Sprintf("change %d", c)
		if c == 0 {
			msg = "the fabric"
		}
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n", when+int64(c)*3600, len(msg), msg)
		files := []int{(c * 7919) % objects}
		if c == 0 {
			files = files[:0]
			for i := range objects {
				files = append(files, i)
			}
		}
		for _, i := range files {
			p, content := benchGitFile(i, c)
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", p, len(content), content)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	_ = in.Close()
	if err := cmd.Wait(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, stderr.String())
	}
	// Packed as a server keeps it.
	testbed.Git(b, repo, "repack", "-a", "-d", "-q")
	if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s (%d objects, %d commits) in %s", repo, objects, commits, time.Since(started).Round(time.Second))
	return repo
}

// benchAddCommit adds a commit changing one file to the bare repository.
func benchAddCommit(b *testing.B, repo string, n int) {
	b.Helper()
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env = repo, testbed.GitEnv()
	p, content := benchGitFile(n%1000, 100000+n)
	msg := fmt.Sprintf("warm %d", n)
	cmd.Stdin = strings.NewReader(fmt.Sprintf("commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\nfrom refs/heads/main^0\nM 100644 inline %s\ndata %d\n%s\n",
		time.Now().Unix(), len(msg), msg, p, len(content), content))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
}

// benchRun is one measured process.
type benchRun struct {
	wall, cpu time.Duration
	maxKB     int64
	out       []byte
}

// benchExec runs a command under /usr/bin/time, which reports its peak
// memory: the process's own getrusage would include the benchmark's, as a
// child started with vfork inherits its parent's high-water mark.
func benchExec(b *testing.B, env []string, dir, name string, args ...string) benchRun {
	b.Helper()
	peak := filepath.Join(b.TempDir(), "peak")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M %U %S", "-o", peak, name}, args...)...)
	cmd.Env, cmd.Dir = env, dir
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	text, err := os.ReadFile(peak)
	if err != nil {
		b.Fatal(err)
	}
	var kb int64
	var user, sys float64
	if _, err := fmt.Sscanf(strings.TrimSpace(string(text)), "%d %f %f", &kb, &user, &sys); err != nil {
		b.Fatalf("/usr/bin/time: %q: %v", text, err)
	}
	return benchRun{wall: wall, cpu: time.Duration((user + sys) * float64(time.Second)), maxKB: kb, out: out.Bytes()}
}

// benchReadFiles reads every manifest below dir, as a user's tool would after
// `git clone`, and returns how many files it read.
func benchReadFiles(b *testing.B, dir string) int {
	b.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		if _, err := os.ReadFile(p); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// benchTotals sums the runs of one contender.
type benchTotals struct {
	wall, cpu time.Duration
	maxKB     int64
	n         int
}

// add counts a run; extra is time spent in the benchmark itself (reading
// the files after git), counted as wall and CPU time.
func (t *benchTotals) add(r benchRun, extra time.Duration) {
	t.wall += r.wall + extra
	t.cpu += r.cpu + extra
	t.n++
	t.maxKB = max(t.maxKB, r.maxKB)
}

func (t *benchTotals) mean() time.Duration    { return t.wall / time.Duration(max(t.n, 1)) }
func (t *benchTotals) meanCPU() time.Duration { return t.cpu / time.Duration(max(t.n, 1)) }

// benchGitBinaries builds kubectl-hnp as `make build` does, as "hnp", and
// adds HNP_BENCH_BEFORE's binary as "before".
func benchGitBinaries(b *testing.B) map[string]string {
	b.Helper()
	bins := map[string]string{"hnp": filepath.Join(b.TempDir(), "kubectl-hnp")}
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bins["hnp"], "../../../cmd/kubectl-hnp")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	if before := os.Getenv("HNP_BENCH_BEFORE"); before != "" {
		bins["before"] = before
	}
	return bins
}

func BenchmarkGitHistory(b *testing.B) {
	objects, commits := benchEnvInt("HNP_BENCH_OBJECTS", 8500), benchEnvInt("HNP_BENCH_COMMITS", 5000)
	cached := benchHistoryRepo(b, objects, commits)
	bins := benchGitBinaries(b)
	for _, transport := range []string{"disk", "http"} {
		b.Run(transport, func(b *testing.B) {
			totals := map[string]*benchTotals{}
			tot := func(k string) *benchTotals {
				if totals[k] == nil {
					totals[k] = &benchTotals{}
				}
				return totals[k]
			}
			commit := 0
			for b.Loop() {
				// A remote of its own for every round (sharing the cached
				// objects), so that the warm commits do not pile up.
				work := b.TempDir()
				remote := filepath.Join(work, "remote.git")
				testbed.Git(b, work, "clone", "-q", "--bare", "--shared", cached, remote)
				url := "file://" + remote
				if transport == "http" {
					url = testbed.ServeHTTP(b, remote, "", "")
				}
				env := append(testbed.GitEnv(), "HOME="+work, "HNP_CONFIG=", "HNP_FABRIC=")
				// Cold, then warm after a new commit, for each contender.
				for name, bin := range bins {
					cacheEnv := append(env, "XDG_CACHE_HOME="+filepath.Join(work, "cache-"+name))
					args := []string{"list", "--source", "git", "--repo", url, "--dir", benchGitDir, "-o", "name"}
					r := benchExec(b, cacheEnv, work, bin, args...)
					if got := bytes.Count(r.out, []byte("\n")); got != objects {
						b.Fatalf("%s cold: %d objects listed, want %d", name, got, objects)
					}
					tot(name+"-cold").add(r, 0)
					commit++
					benchAddCommit(b, remote, commit)
					r = benchExec(b, cacheEnv, work, bin, args...)
					if got := bytes.Count(r.out, []byte("\n")); got != objects {
						b.Fatalf("%s warm: %d objects listed, want %d", name, got, objects)
					}
					tot(name+"-warm").add(r, 0)
				}
				clone := filepath.Join(work, "clone")
				r := benchExec(b, env, work, "git", "clone", "-q", url, clone)
				start := time.Now()
				if got := benchReadFiles(b, filepath.Join(clone, benchGitDir)); got != objects {
					b.Fatalf("git clone: %d files, want %d", got, objects)
				}
				tot("git-clone").add(r, time.Since(start))
				commit++
				benchAddCommit(b, remote, commit)
				r = benchExec(b, env, clone, "git", "fetch", "-q")
				start = time.Now()
				benchReadFiles(b, filepath.Join(clone, benchGitDir))
				tot("git-fetch").add(r, time.Since(start))
			}
			for k, t := range totals {
				b.ReportMetric(t.mean().Seconds(), k+"-s")
				b.ReportMetric(t.meanCPU().Seconds(), k+"-cpu-s")
				b.ReportMetric(float64(t.maxKB)/1024, k+"-peak-MB")
			}
			for name := range bins {
				b.ReportMetric(tot(name+"-cold").mean().Seconds()/tot("git-clone").mean().Seconds(), name+"-cold/git-clone")
				b.ReportMetric(tot(name+"-warm").mean().Seconds()/tot("git-fetch").mean().Seconds(), name+"-warm/git-fetch")
			}
		})
	}
}

// BenchmarkGitHistoryFirstEdit measures the first write on a cache clone
// that reads have filled (shallow, no checkout): `edit --set --validate
// none --no-push` of one VPC, which checks the working tree out, and a
// second edit after it. The fabric is the whole history repository
// (fabrics/bench, 8,500 files) or a quarter of it (fabrics/bench/vpcs),
// which a sparse checkout writes alone. Alone:
//
//	go test -tags gitbench -run '^$' -bench GitHistoryFirstEdit -benchtime 2x -timeout 60m ./pkg/cmd/root/
func BenchmarkGitHistoryFirstEdit(b *testing.B) {
	objects, commits := benchEnvInt("HNP_BENCH_OBJECTS", 8500), benchEnvInt("HNP_BENCH_COMMITS", 5000)
	cached := benchHistoryRepo(b, objects, commits)
	bins := map[string]string{"hnp": filepath.Join(b.TempDir(), "kubectl-hnp")}
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bins["hnp"], "../../../cmd/kubectl-hnp")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	if before := os.Getenv("HNP_BENCH_BEFORE"); before != "" {
		bins["before"] = before
	}
	for _, dir := range []string{benchGitDir, benchGitDir + "/vpcs"} {
		b.Run(strings.ReplaceAll(dir, "/", "-"), func(b *testing.B) {
			totals := map[string]*benchTotals{}
			tot := func(k string) *benchTotals {
				if totals[k] == nil {
					totals[k] = &benchTotals{}
				}
				return totals[k]
			}
			for b.Loop() {
				work := b.TempDir()
				remote := filepath.Join(work, "remote.git")
				testbed.Git(b, work, "clone", "-q", "--bare", "--shared", cached, remote)
				env := append(testbed.GitEnv(), "HOME="+work, "HNP_CONFIG=", "HNP_FABRIC=")
				for name, bin := range bins {
					cacheEnv := append(env, "XDG_CACHE_HOME="+filepath.Join(work, "cache-"+name))
					repo := []string{"--repo", "file://" + remote, "--dir", dir}
					benchExec(b, cacheEnv, work, bin, append([]string{"list", "--source", "git", "-o", "name"}, repo...)...)
					for i, what := range []string{"first", "second"} {
						args := append([]string{"edit", "vpc/vpc-00004", "--set", fmt.Sprintf("spec.subnets.default.vlan=%d", 3000+i),
							"--validate", "none", "--no-push"}, repo...)
						r := benchExec(b, cacheEnv, work, bin, args...)
						if !bytes.Contains(r.out, []byte("committed")) {
							b.Fatalf("%s %s edit: %s", name, what, r.out)
						}
						tot(name+"-"+what+"-edit").add(r, 0)
					}
				}
			}
			for k, t := range totals {
				b.ReportMetric(t.mean().Seconds(), k+"-s")
				b.ReportMetric(t.meanCPU().Seconds(), k+"-cpu-s")
				b.ReportMetric(float64(t.maxKB)/1024, k+"-peak-MB")
			}
		})
	}
}

// BenchmarkGitHistoryManyFetches measures warm reads of a cache clone that
// many fetches have refreshed, as a CI job every few minutes does: go-git
// writes a pack per fetch, and a cache clone consolidates them past 16
// (gitstate.maintainPacks). Each iteration clones the history repository
// cold, then HNP_BENCH_FETCHES times (default 40) adds a commit and runs
// `list --source git` (a fetch and a read), beside `git fetch` and reading
// the files in a git clone refreshed as often. It reports the warm runs'
// time at the start (rounds 1-5) and at the end (the last 5), the end's
// ratio to git's, the slowest warm run (a consolidating fetch) and the
// packs the cache clone holds at the end. Alone:
//
//	go test -tags gitbench -run '^$' -bench GitHistoryManyFetches -benchtime 1x -timeout 60m ./pkg/cmd/root/
func BenchmarkGitHistoryManyFetches(b *testing.B) {
	objects, commits := benchEnvInt("HNP_BENCH_OBJECTS", 8500), benchEnvInt("HNP_BENCH_COMMITS", 5000)
	fetches := max(benchEnvInt("HNP_BENCH_FETCHES", 40), 10)
	cached := benchHistoryRepo(b, objects, commits)
	bins := benchGitBinaries(b)
	totals := map[string]*benchTotals{}
	tot := func(k string) *benchTotals {
		if totals[k] == nil {
			totals[k] = &benchTotals{}
		}
		return totals[k]
	}
	packs := map[string]int{}
	slowest := map[string]time.Duration{} // the slowest warm run: a consolidating fetch
	peakKB := map[string]int64{}          // the highest peak of any warm run, consolidating ones included
	for b.Loop() {
		work := b.TempDir()
		remote := filepath.Join(work, "remote.git")
		testbed.Git(b, work, "clone", "-q", "--bare", "--shared", cached, remote)
		url := "file://" + remote
		env := append(testbed.GitEnv(), "HOME="+work, "HNP_CONFIG=", "HNP_FABRIC=")
		args := []string{"list", "--source", "git", "--repo", url, "--dir", benchGitDir, "-o", "name"}
		cacheEnv := map[string][]string{}
		for name, bin := range bins {
			cacheEnv[name] = append(env[:len(env):len(env)], "XDG_CACHE_HOME="+filepath.Join(work, "cache-"+name))
			benchExec(b, cacheEnv[name], work, bin, args...) // cold, not measured
		}
		clone := filepath.Join(work, "clone")
		testbed.Git(b, work, "clone", "-q", url, clone)
		for round := 1; round <= fetches; round++ {
			benchAddCommit(b, remote, round)
			phase := ""
			switch {
			case round <= 5:
				phase = "-first"
			case round > fetches-5:
				phase = "-last"
			}
			for name, bin := range bins {
				r := benchExec(b, cacheEnv[name], work, bin, args...)
				if got := bytes.Count(r.out, []byte("\n")); got != objects {
					b.Fatalf("%s round %d: %d objects listed, want %d", name, round, got, objects)
				}
				if phase != "" {
					tot(name+phase).add(r, 0)
				}
				slowest[name] = max(slowest[name], r.wall)
				peakKB[name] = max(peakKB[name], r.maxKB)
			}
			r := benchExec(b, env, clone, "git", "fetch", "-q")
			start := time.Now()
			benchReadFiles(b, filepath.Join(clone, benchGitDir))
			if phase != "" {
				tot("git-fetch"+phase).add(r, time.Since(start))
			}
		}
		for name := range bins {
			repos := filepath.Join(work, "cache-"+name, "kubectl-hnp", "repos", "*")
			n := 0
			for _, pattern := range []string{filepath.Join(repos, ".git", "objects", "pack", "*.pack"), filepath.Join(repos, "objects", "pack", "*.pack")} {
				m, err := filepath.Glob(pattern)
				if err != nil {
					b.Fatal(err)
				}
				n += len(m)
			}
			if n == 0 {
				b.Fatalf("%s: no pack found in %s", name, repos)
			}
			packs[name] = n
		}
	}
	for k, t := range totals {
		b.ReportMetric(t.mean().Seconds(), k+"-s")
		b.ReportMetric(float64(t.maxKB)/1024, k+"-peak-MB")
	}
	for name := range bins {
		b.ReportMetric(tot(name+"-last").mean().Seconds()/tot("git-fetch-last").mean().Seconds(), name+"-last/git-fetch")
		b.ReportMetric(float64(packs[name]), name+"-packs")
		b.ReportMetric(slowest[name].Seconds(), name+"-slowest-s")
		b.ReportMetric(float64(peakKB[name])/1024, name+"-warm-peak-MB")
	}
}
