package testbed

// Flux beside a test control plane: source-controller and kustomize-controller
// run as plain processes against the control plane's kubeconfig, so that
// tests and the demo exercise the whole GitOps loop (push, Flux applies,
// the cluster changes) with the real deployer.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// FluxVersion names the versioned cache folder the Makefile builds Flux's
// controllers into (see the Makefile's FLUX and hack/build-flux.sh).
const FluxVersion = "flux-v1.7.3"

// fluxDirEnv names the directory holding the Flux controllers and their
// CRDs (crds/); it takes precedence over the versioned tools cache.
const fluxDirEnv = "HNP_FLUX_DIR"

// FluxNamespace is where StartFlux's GitRepository and Kustomizations live.
const FluxNamespace = "flux-system"

// fluxControllers are the binaries StartFlux runs.
var fluxControllers = []string{"source-controller", "kustomize-controller"}

// FluxDir returns the directory the Flux controllers are taken from:
// $HNP_FLUX_DIR if set, else $XDG_CACHE_HOME/kubectl-hnp-dev/<FluxVersion>
// (where `make flux` builds them, outside the clone).
func FluxDir() (string, error) {
	if d := os.Getenv(fluxDirEnv); d != "" {
		return d, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "kubectl-hnp-dev", FluxVersion), nil
}

// FluxOptions configures StartFlux. The zero value is valid.
type FluxOptions struct {
	// Dir holds source-controller, kustomize-controller and crds/.
	// Default: FluxDir().
	Dir string
	// WorkDir receives the controllers' logs and source-controller's
	// artifact storage. Default: a temporary directory that Stop removes.
	WorkDir string
}

// Flux is source-controller and kustomize-controller running against a
// ControlPlane, with Flux's CRDs installed and the namespace FluxNamespace.
type Flux struct {
	// LogFiles are the controllers' log files, by controller name.
	LogFiles map[string]string

	cp      *ControlPlane
	tmpDir  string
	procs   []*exec.Cmd
	exited  []chan struct{}
	stopMu  sync.Mutex
	stopped bool
}

// StartFlux installs Flux's CRDs on cp and starts the two controllers,
// waiting until both report ready. The caller must Stop it.
func StartFlux(cp *ControlPlane, opts FluxOptions) (_ *Flux, retErr error) {
	if opts.Dir == "" {
		d, err := FluxDir()
		if err != nil {
			return nil, fmt.Errorf("locating the Flux controllers: %w", err)
		}
		opts.Dir = d
	}
	for _, name := range fluxControllers {
		b := filepath.Join(opts.Dir, name)
		if st, err := os.Stat(b); err != nil || st.IsDir() || st.Mode().Perm()&0o111 == 0 {
			return nil, fmt.Errorf("%s of Flux (%s) is missing or not executable: run `make flux` (or set %s to a directory holding source-controller, kustomize-controller and crds/)", name, b, fluxDirEnv)
		}
	}
	fx := &Flux{cp: cp, LogFiles: map[string]string{}}
	defer func() {
		if retErr != nil {
			fx.Stop()
		}
	}()
	if opts.WorkDir == "" {
		d, err := os.MkdirTemp("", "hnp-flux-")
		if err != nil {
			return nil, err
		}
		fx.tmpDir, opts.WorkDir = d, d
	}
	ctx := context.Background()
	if _, err := envtest.InstallCRDs(cp.RestConfig, envtest.CRDInstallOptions{
		Paths: []string{filepath.Join(opts.Dir, "crds")}, ErrorIfPathMissing: true,
	}); err != nil {
		return nil, fmt.Errorf("installing Flux's CRDs: %w", err)
	}
	cp.mapper.Reset() // the new kinds are served now

	if _, err := cp.CreateYAML(ctx, "apiVersion: v1\nkind: Namespace\nmetadata: {name: "+FluxNamespace+"}\n"); err != nil && !strings.Contains(err.Error(), "already exists") {
		return nil, err
	}
	storage := filepath.Join(opts.WorkDir, "storage")
	if err := os.MkdirAll(storage, 0o755); err != nil {
		return nil, err
	}
	storageAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	for _, name := range fluxControllers {
		health, err := freeAddr()
		if err != nil {
			return nil, err
		}
		metrics, err := freeAddr()
		if err != nil {
			return nil, err
		}
		args := []string{"--health-addr=" + health, "--metrics-addr=" + metrics, "--enable-leader-election=false",
			"--log-encoding=console", "--concurrent=4"}
		if name == "source-controller" {
			args = append(args, "--storage-path="+storage, "--storage-addr="+storageAddr, "--storage-adv-addr="+storageAddr)
		}
		if err := fx.start(filepath.Join(opts.Dir, name), name, args, opts.WorkDir); err != nil {
			return nil, err
		}
		if err := fx.waitReady(name, health, len(fx.procs)-1, time.Minute); err != nil {
			return nil, err
		}
	}
	return fx, nil
}

// StartFluxT starts Flux on cp for a test, stops it when the test ends,
// and prints the controllers' logs when the test failed.
func StartFluxT(t testing.TB, cp *ControlPlane) *Flux {
	t.Helper()
	fx, err := StartFlux(cp, FluxOptions{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatalf("testbed: %v", err)
	}
	t.Cleanup(func() {
		fx.Stop()
		if t.Failed() {
			for _, name := range fluxControllers {
				t.Logf("--- log of %s ---\n%s", name, fx.Log(name))
			}
		}
	})
	return fx
}

func (fx *Flux) start(bin, name string, args []string, workDir string) error {
	logPath := filepath.Join(workDir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	fx.LogFiles[name] = logPath
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+fx.cp.KubeconfigPath, "RUNTIME_NAMESPACE="+FluxNamespace)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Dir = workDir
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("starting Flux's %s: %w", name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logFile.Close()
		close(done)
	}()
	fx.procs = append(fx.procs, cmd)
	fx.exited = append(fx.exited, done)
	return nil
}

// waitReady polls the controller's readiness endpoint until it answers 200,
// the process exits, or the timeout passes.
func (fx *Flux) waitReady(name, addr string, i int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-fx.exited[i]:
			return fmt.Errorf("%s of Flux exited at start:\n%s", name, fx.Log(name))
		case <-deadline.C:
			return fmt.Errorf("%s of Flux not ready after %s:\n%s", name, timeout, fx.Log(name))
		case <-tick.C:
		}
	}
}

// Log returns the last 16 KiB of a controller's log.
func (fx *Flux) Log(name string) string {
	b, err := os.ReadFile(fx.LogFiles[name])
	if err != nil {
		return ""
	}
	if len(b) > 16<<10 {
		b = b[len(b)-16<<10:]
	}
	return string(b)
}

// Stop terminates the controllers (SIGTERM, then SIGKILL after 10 s) and
// removes the temporary work directory. It is safe to call more than once.
func (fx *Flux) Stop() {
	fx.stopMu.Lock()
	defer fx.stopMu.Unlock()
	if fx.stopped {
		return
	}
	fx.stopped = true
	for i, cmd := range fx.procs {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-fx.exited[i]:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-fx.exited[i]
		}
	}
	if fx.tmpDir != "" {
		_ = os.RemoveAll(fx.tmpDir)
	}
}

// GitRepository creates a Flux GitRepository in FluxNamespace that fetches
// branch of the repository at url (http(s)) every interval.
func (fx *Flux) GitRepository(ctx context.Context, name, url, branch string, interval time.Duration) error {
	_, err := fx.cp.CreateYAML(ctx, fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: %s, namespace: %s}
spec:
  url: %q
  ref: {branch: %s}
  interval: %s
  timeout: 20s
`, name, FluxNamespace, url, branch, interval))
	return err
}

// Kustomization creates a Flux Kustomization in FluxNamespace that applies
// path of the GitRepository source every interval, into the namespace
// "default" (Hedgehog YAML usually names none), pruning what Git dropped.
func (fx *Flux) Kustomization(ctx context.Context, name, source, path string, interval time.Duration) error {
	_, err := fx.cp.CreateYAML(ctx, fmt.Sprintf(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: %s, namespace: %s}
spec:
  sourceRef: {kind: GitRepository, name: %s}
  path: %q
  interval: %s
  retryInterval: %s
  timeout: 30s
  prune: true
  targetNamespace: %s
`, name, FluxNamespace, source, "./"+strings.TrimPrefix(path, "./"), interval, interval, DefaultNamespace))
	return err
}

// freeAddr returns a loopback address with a port free at the time of the
// call.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, errors.Join(ln.Close())
}
