// Package testbed runs a real Kubernetes control plane (kube-apiserver and
// etcd, started through controller-runtime's envtest) with the Hedgehog CRDs
// installed. Integration tests, the demo and the benchmarks use it as the
// "actual state" side of a fabric: objects created in it are defaulted and
// validated by a genuine API server, exactly as on a live cluster.
package testbed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/yaml"
)

// ModulePath is the Go module path that identifies the repository root.
const ModulePath = "github.com/githedgehog/kubectl-hnp"

// DefaultContext is the kubeconfig context name used when Options.Context is empty.
const DefaultContext = "hnp-test"

// DefaultNamespace is where Apply and CreateYAML put namespaced objects that
// name no namespace themselves.
const DefaultNamespace = "default"

// ControlPlaneVersion names the versioned cache folder the Makefile builds
// kube-apiserver and etcd into (see the Makefile's CONTROLPLANE).
const ControlPlaneVersion = "controlplane-k8s-v1.37.2-etcd-v3.6.16"

// assetsEnv names the directory holding kube-apiserver and etcd; it takes
// precedence over the versioned tools cache.
const assetsEnv = "KUBEBUILDER_ASSETS"

// attachOutputEnv makes the control plane's own output visible (an envtest convention).
const attachOutputEnv = "KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT"

const defaultStartTimeout = 90 * time.Second

// Options configures Start. The zero value is valid.
type Options struct {
	// Context is the name of the kubeconfig context (and of its cluster and
	// user entries) written for this control plane. Default: DefaultContext.
	Context string
	// CRDDir is the directory of CRD manifests to install.
	// Default: <repo root>/testdata/crds, and beside it testdata/crds-agent
	// (the switches' Agent, which a Hedgehog controller cluster serves).
	CRDDir string
	// KubeconfigDir is the directory the kubeconfig file is written into, as
	// "<Context>.kubeconfig" (overwriting an existing file of that name). The
	// file is left in place by Stop. Default: a private temporary directory
	// that Stop removes.
	KubeconfigDir string
	// BinDir is the directory holding the kube-apiserver and etcd binaries.
	// Default: $KUBEBUILDER_ASSETS if set, else the versioned tools cache
	// (see BinDir).
	BinDir string
	// StartTimeout bounds the start of each of etcd and kube-apiserver.
	// Default: 90s (the machines running the tests may be busy).
	StartTimeout time.Duration
}

// ControlPlane is a running kube-apiserver + etcd with the CRDs installed.
type ControlPlane struct {
	// RestConfig authenticates as an administrator (group system:masters).
	RestConfig *rest.Config
	// KubeconfigPath is a kubeconfig file for the same administrator, usable
	// by kubectl; its current context is Context.
	KubeconfigPath string
	// Context is the name of the context in the kubeconfig file.
	Context string

	env     *envtest.Environment
	tmpDir  string
	certDir string
	dyn     dynamic.Interface
	mapper  meta.ResettableRESTMapper
	stopMu  sync.Mutex
	stopped bool
	stopErr error
}

// RepoRoot returns the root of the kubectl-hnp repository: the nearest
// directory at or above the working directory whose go.mod declares ModulePath.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if mod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declaresModule(mod, ModulePath) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod for module %s at or above %s", ModulePath, wd)
		}
		dir = parent
	}
}

func declaresModule(gomod []byte, module string) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" && strings.Trim(f[1], `"`) == module {
			return true
		}
	}
	return false
}

// BinDir returns the directory the control plane binaries are taken from when
// Options.BinDir is empty: $KUBEBUILDER_ASSETS if set, else
// $XDG_CACHE_HOME/kubectl-hnp-dev/<ControlPlaneVersion> (where `make
// controlplane` builds them, outside the clone).
func BinDir() (string, error) {
	if d := os.Getenv(assetsEnv); d != "" {
		return d, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "kubectl-hnp-dev", ControlPlaneVersion), nil
}

// quietRuntimeLog gives controller-runtime's global logger (used by envtest) a
// sink that drops everything. Left unset, controller-runtime prints a warning
// with a stack trace once a process has run for 30s, which would litter the
// output of long test runs and of the demo. A logger the program set earlier
// stays in effect: controller-runtime keeps the first one.
var quietRuntimeLog = sync.OnceFunc(func() { ctrllog.SetLogger(logr.Discard()) })

// Start launches etcd and kube-apiserver, installs the CRDs, waits until they
// are served, and writes an administrator kubeconfig. The caller must Stop it.
func Start(opts Options) (_ *ControlPlane, retErr error) {
	quietRuntimeLog()
	if opts.Context == "" {
		opts.Context = DefaultContext
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = defaultStartTimeout
	}
	if opts.BinDir == "" {
		d, err := BinDir()
		if err != nil {
			return nil, fmt.Errorf("locating control plane binaries: %w", err)
		}
		opts.BinDir = d
	}
	var extraCRDDirs []string
	if opts.CRDDir == "" {
		root, err := RepoRoot()
		if err != nil {
			return nil, fmt.Errorf("locating the CRDs: %w", err)
		}
		opts.CRDDir = filepath.Join(root, "testdata", "crds")
		extraCRDDirs = append(extraCRDDirs, filepath.Join(root, "testdata", "crds-agent"))
	}
	apiserverBin := filepath.Join(opts.BinDir, "kube-apiserver")
	etcdBin := filepath.Join(opts.BinDir, "etcd")
	for _, b := range []string{apiserverBin, etcdBin} {
		if st, err := os.Stat(b); err != nil || st.IsDir() || st.Mode().Perm()&0o111 == 0 {
			return nil, fmt.Errorf("control plane binary %s is missing or not executable: run `make controlplane` (or set %s to a directory holding kube-apiserver and etcd)", b, assetsEnv)
		}
	}
	if st, err := os.Stat(opts.CRDDir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("CRD directory %s not found", opts.CRDDir)
	}

	c := &ControlPlane{Context: opts.Context}
	defer func() {
		if retErr != nil {
			_ = c.Stop()
		}
	}()

	kubeconfigDir := opts.KubeconfigDir
	if kubeconfigDir == "" {
		d, err := os.MkdirTemp("", "hnp-testbed-")
		if err != nil {
			return nil, err
		}
		c.tmpDir = d
		kubeconfigDir = d
	} else if err := os.MkdirAll(kubeconfigDir, 0o755); err != nil {
		return nil, err
	}

	// The last lines of each process's output go into the error if it fails to start.
	apiOut, etcdOut := &tailBuffer{max: 16 << 10}, &tailBuffer{max: 16 << 10}
	var apiW, etcdW io.Writer = apiOut, etcdOut
	if os.Getenv(attachOutputEnv) == "true" {
		apiW, etcdW = io.MultiWriter(apiOut, os.Stderr), io.MultiWriter(etcdOut, os.Stderr)
	}

	env := &envtest.Environment{
		CRDDirectoryPaths:        append([]string{opts.CRDDir}, extraCRDDirs...),
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: opts.StartTimeout,
	}
	env.ControlPlane.GetAPIServer().Path = apiserverBin
	env.ControlPlane.GetAPIServer().Out = apiW
	env.ControlPlane.GetAPIServer().Err = apiW
	env.ControlPlane.Etcd = &envtest.Etcd{Path: etcdBin, Out: etcdW, Err: etcdW}
	// A certificate directory of our own (envtest would make a random one
	// and remove it on every stop) keeps the serving certificate, and so the
	// kubeconfig, valid across StopAPIServer and StartAPIServer.
	certDir, err := os.MkdirTemp("", "hnp-testbed-certs-")
	if err != nil {
		return nil, err
	}
	c.certDir = certDir
	env.ControlPlane.GetAPIServer().CertDir = certDir
	c.env = env

	if _, err := env.Start(); err != nil {
		return nil, fmt.Errorf("starting the control plane: %w%s%s", err,
			apiOut.report("kube-apiserver"), etcdOut.report("etcd"))
	}
	if len(env.CRDs) == 0 {
		return nil, fmt.Errorf("no CRDs found in %s", opts.CRDDir)
	}

	admin, err := env.AddUser(envtest.User{Name: "hnp-admin", Groups: []string{"system:masters"}},
		&rest.Config{QPS: 1000, Burst: 2000})
	if err != nil {
		return nil, fmt.Errorf("provisioning the admin user: %w", err)
	}
	c.RestConfig = admin.Config()
	raw, err := admin.KubeConfig()
	if err != nil {
		return nil, fmt.Errorf("building the kubeconfig: %w", err)
	}
	kubeconfig, err := renameKubeconfig(raw, opts.Context)
	if err != nil {
		return nil, err
	}
	c.KubeconfigPath = filepath.Join(kubeconfigDir, opts.Context+".kubeconfig")
	if err := os.WriteFile(c.KubeconfigPath, kubeconfig, 0o600); err != nil {
		return nil, fmt.Errorf("writing the kubeconfig: %w", err)
	}

	c.dyn, err = dynamic.NewForConfig(c.RestConfig)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(c.RestConfig)
	if err != nil {
		return nil, err
	}
	c.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	return c, nil
}

// renameKubeconfig gives the single context of an envtest kubeconfig, and the
// cluster and user it refers to, the name ctxName, and makes it current. Naming
// all three after the context keeps kubeconfigs of several control planes
// mergeable (KUBECONFIG=a:b) without collisions.
func renameKubeconfig(raw []byte, ctxName string) ([]byte, error) {
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing the envtest kubeconfig: %w", err)
	}
	if len(cfg.Contexts) != 1 {
		return nil, fmt.Errorf("envtest kubeconfig has %d contexts, want 1", len(cfg.Contexts))
	}
	for name, kctx := range cfg.Contexts {
		cluster, ok := cfg.Clusters[kctx.Cluster]
		if !ok {
			return nil, fmt.Errorf("envtest kubeconfig: context %q names unknown cluster %q", name, kctx.Cluster)
		}
		user, ok := cfg.AuthInfos[kctx.AuthInfo]
		if !ok {
			return nil, fmt.Errorf("envtest kubeconfig: context %q names unknown user %q", name, kctx.AuthInfo)
		}
		delete(cfg.Clusters, kctx.Cluster)
		delete(cfg.AuthInfos, kctx.AuthInfo)
		delete(cfg.Contexts, name)
		cfg.Clusters[ctxName] = cluster
		cfg.AuthInfos[ctxName] = user
		kctx.Cluster, kctx.AuthInfo = ctxName, ctxName
		if kctx.Namespace == "" {
			kctx.Namespace = DefaultNamespace
		}
		cfg.Contexts[ctxName] = kctx
	}
	cfg.CurrentContext = ctxName
	return clientcmd.Write(*cfg)
}

// StartT starts a control plane with default options for a test or
// benchmark, stops it when the test ends, and fails the test if it cannot start.
func StartT(t testing.TB) *ControlPlane {
	t.Helper()
	c, err := Start(Options{})
	if err != nil {
		t.Fatalf("testbed: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("testbed: stopping the control plane: %v", err)
		}
	})
	return c
}

// Stop terminates kube-apiserver and etcd and removes their data and, when
// Options.KubeconfigDir was empty, the kubeconfig. It is safe to call more
// than once; later calls return the first call's result.
func (c *ControlPlane) Stop() error {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.stopped {
		return c.stopErr
	}
	c.stopped = true
	var errs []error
	if c.env != nil {
		errs = append(errs, c.env.Stop())
	}
	if c.tmpDir != "" {
		errs = append(errs, os.RemoveAll(c.tmpDir))
	}
	if c.certDir != "" {
		errs = append(errs, os.RemoveAll(c.certDir))
	}
	c.stopErr = errors.Join(errs...)
	return c.stopErr
}

// Dynamic returns a dynamic client authenticated as the administrator.
func (c *ControlPlane) Dynamic() dynamic.Interface { return c.dyn }

// Apply creates every object of a multi-document YAML string, each in its own
// namespace or DefaultNamespace, and returns the objects as the API server
// stored them (defaults filled in). It fails the test on any error.
func (c *ControlPlane) Apply(t testing.TB, yamlDocs string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := c.CreateYAML(t.Context(), yamlDocs)
	if err != nil {
		t.Fatalf("testbed: %v", err)
	}
	return objs
}

// CreateYAML is Apply without a testing.TB: it creates the objects of a
// multi-document YAML string in order and stops at the first error. Empty
// documents are ignored. The resource of each object is found from its
// apiVersion and kind through API discovery.
func (c *ControlPlane) CreateYAML(ctx context.Context, yamlDocs string) ([]*unstructured.Unstructured, error) {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(yamlDocs)))
	var out []*unstructured.Unstructured
	for n := 1; ; n++ {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("reading YAML document %d: %w", n, err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return out, fmt.Errorf("parsing YAML document %d: %w", n, err)
		}
		if len(m) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{Object: m}
		created, err := c.create(ctx, obj)
		if err != nil {
			return out, fmt.Errorf("YAML document %d (%s %s): %w", n, obj.GetKind(), obj.GetName(), err)
		}
		out = append(out, created)
	}
}

func (c *ControlPlane) create(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	gvk := obj.GroupVersionKind()
	if gvk.Kind == "" || gvk.Version == "" {
		return nil, errors.New("apiVersion and kind are required")
	}
	mapping, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("resolving the resource: %w", err)
	}
	var ri dynamic.ResourceInterface = c.dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() == "" {
			obj.SetNamespace(DefaultNamespace)
		}
		ri = c.dyn.Resource(mapping.Resource).Namespace(obj.GetNamespace())
	}
	return ri.Create(ctx, obj, metav1.CreateOptions{})
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// report formats the captured output for an error message, or "" if there is none.
func (b *tailBuffer) report(name string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSpace(string(b.buf))
	if s == "" {
		return ""
	}
	return fmt.Sprintf("\n--- last output of %s ---\n%s", name, s)
}
