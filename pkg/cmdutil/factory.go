package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// Factory is the one place where real configuration, Git and cluster
// clients are wired. Commands get everything through it, lazily.
type Factory struct {
	IOStreams genericiooptions.IOStreams
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
	// Now is the clock.
	Now func() time.Time
	// WaitProgress, when set, is told every progress line of a wait for
	// agents (WaitApplied), terminal or not: tests follow a wait with it.
	WaitProgress func(line string)

	// WrapTransport, when set, wraps the HTTP transport of every cluster
	// client (tests count requests with it).
	WrapTransport func(http.RoundTripper) http.RoundTripper

	// KubeFlags are kubectl's flags for reaching a cluster, as the user set
	// them.
	KubeFlags *KubeFlags

	// Global flags, bound by the root command.
	ConfigPath  string
	FabricNames []string
	Repo        string
	Dir         string
	Branch      string
	Offline     bool

	flags  *pflag.FlagSet
	viper  *viper.Viper
	config *fabric.Config
	// noted holds the count of unpushed commits last noted per fabric.
	noted   map[string]int
	notedMu sync.Mutex
	// deployers caches each fabric's deployer for the command run.
	deployers deployerCache
	// crds and served keep each cluster's CRDs (model.go) and served
	// versions of the kinds (state.go) for the command run.
	crds   perRun[*clusterCRDs]
	served perRun[[]*kinds.Kind]
	// clients keeps the clients of each kubeconfig context (Cluster).
	clients perRun[*clusterClients]
}

// NewFactory returns a Factory on the given streams and the process
// environment.
func NewFactory(streams genericiooptions.IOStreams) *Factory {
	return &Factory{
		IOStreams: streams,
		Getenv:    os.Getenv,
		Now:       time.Now,
		KubeFlags: NewKubeFlags(),
		viper:     viper.New(),
	}
}

// AddGlobalFlags binds the flags every command shares to fs.
func (f *Factory) AddGlobalFlags(fs *pflag.FlagSet) {
	f.flags = fs
	fs.StringVar(&f.ConfigPath, "config", "", "path of the kubectl-hnp config file (env HNP_CONFIG; default $XDG_CONFIG_HOME/kubectl-hnp/config.yaml)")
	fs.StringSliceVar(&f.FabricNames, "fabric", nil, "fabric(s) to act on, repeatable or comma-separated (env HNP_FABRIC; default: all, or the default fabric for commands that change things)")
	fs.StringVar(&f.Repo, "repo", "", "ad-hoc fabric: a Git remote URL, bare repository or local working tree (no config file needed)")
	fs.StringVar(&f.Dir, "dir", "", "ad-hoc fabric: the fabric's directory inside --repo")
	fs.StringVar(&f.Branch, "branch", "", "ad-hoc fabric: the branch of --repo (default: the remote's default branch); on edit, create, delete and sync --branch is the deprecated spelling of --to-branch (a review branch to push to), use --repo-branch there")
	fs.StringVar(&f.Branch, "repo-branch", "", "ad-hoc fabric: the branch of --repo (same as --branch on read commands)")
	fs.BoolVar(&f.Offline, "offline", false, "do not fetch Git remotes: read the cached clone as it is")
	f.KubeFlags.AddFlags(fs)
	_ = f.viper.BindEnv("config", "HNP_CONFIG")
	_ = f.viper.BindEnv("fabric", "HNP_FABRIC")
	_ = f.viper.BindPFlag("config", fs.Lookup("config"))
	_ = f.viper.BindPFlag("fabric", fs.Lookup("fabric"))
}

// changed reports whether the user set a global flag.
func (f *Factory) changed(name string) bool {
	if f.flags == nil {
		return false
	}
	fl := f.flags.Lookup(name)
	return fl != nil && fl.Changed
}

// ResolvedConfigPath returns the config file path: --config, HNP_CONFIG, or
// the default location.
func (f *Factory) ResolvedConfigPath() string {
	p, _ := f.configPath()
	return p
}

// configPath returns the config file path and what named it: "--config",
// "HNP_CONFIG", or "" for the default location.
func (f *Factory) configPath() (path, namedBy string) {
	if f.ConfigPath != "" {
		return f.ConfigPath, "--config"
	}
	if p := f.Getenv("HNP_CONFIG"); p != "" {
		return p, "HNP_CONFIG"
	}
	return fabric.DefaultConfigPath(f.Getenv), ""
}

// Config loads the config file once. A file named by --config or HNP_CONFIG
// must exist (a *fabric.ConfigNotFoundError otherwise); a missing file at
// the default location is an empty config.
func (f *Factory) Config() (*fabric.Config, error) {
	if f.config != nil {
		return f.config, nil
	}
	c, err := fabric.LoadNamed(f.configPath())
	if err != nil {
		return nil, err
	}
	f.config = c
	return c, nil
}

// Fabrics resolves the fabrics a command acts on (see fabric.Resolve).
func (f *Factory) Fabrics(single bool) ([]fabric.Fabric, error) {
	names := f.FabricNames
	if !f.changed("fabric") && len(names) == 0 {
		if env := f.Getenv("HNP_FABRIC"); env != "" {
			names = []string{env}
		}
	}
	cfg, err := f.Config()
	var notFound *fabric.ConfigNotFoundError
	if errors.As(err, &notFound) && f.Repo != "" && len(names) == 0 {
		// An ad-hoc fabric borrows nothing from the config file.
		cfg, err = &fabric.Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	return fabric.Resolve(cfg, fabric.Selection{Names: names, Repo: AbsRepo(f.Repo), Dir: f.Dir, Branch: f.Branch}, single)
}

// AbsRepo makes a --repo value that names an existing local path absolute,
// so that it means the same from any working directory; URLs pass as they are.
func AbsRepo(repo string) string {
	if repo == "" {
		return ""
	}
	abs, err := filepath.Abs(repo)
	if err != nil {
		return repo
	}
	if _, err := os.Stat(abs); err != nil {
		return repo
	}
	return abs
}

// CacheDir is $XDG_CACHE_HOME/kubectl-hnp (~/.cache/kubectl-hnp).
func (f *Factory) CacheDir() string {
	base := f.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home := f.Getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "kubectl-hnp")
}

func (f *Factory) home() string {
	if h := f.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// Workspace opens the fabric's Git workspace: clones or fetches a remote
// into the cache, or points at a local working tree. A cache clone is at
// the remote tip; Workspace.Pending counts the fabric's commits not pushed.
func (f *Factory) Workspace(ctx context.Context, fab *fabric.Fabric) (*gitstate.Workspace, error) {
	return f.openWorkspace(ctx, fab, gitstate.OpenOptions{})
}

// ChangeWorkspace opens the fabric's Git workspace for a command that
// changes it: a cache clone holds the fabric's unpushed commits on top of
// the remote tip, for the change to build on.
func (f *Factory) ChangeWorkspace(ctx context.Context, fab *fabric.Fabric) (*gitstate.Workspace, error) {
	return f.openWorkspace(ctx, fab, gitstate.OpenOptions{CheckoutPending: true})
}

// openWorkspace opens the workspace with opts, completed with the
// factory's cache, offline mode and environment and the fabric's name.
func (f *Factory) openWorkspace(ctx context.Context, fab *fabric.Fabric, opts gitstate.OpenOptions) (*gitstate.Workspace, error) {
	spec := fab.Git
	if spec.Auth != nil && spec.Auth.SSHKey != "" {
		a := *spec.Auth
		a.SSHKey = fabric.ExpandHome(a.SSHKey, f.home())
		spec.Auth = &a
	}
	spec.URL = fabric.ExpandHome(spec.URL, f.home())
	opts.CacheDir, opts.Offline, opts.Getenv, opts.Fabric = f.CacheDir(), f.Offline, f.Getenv, fab.Name
	opts.CheckoutDirs = CheckoutDirs(fab)
	opts.ReadDirs = []string{fab.Git.Dir}
	return gitstate.Open(ctx, spec, opts)
}

// Cluster holds the clients of one fabric's cluster.
type Cluster struct {
	RestConfig *rest.Config
	Dynamic    dynamic.Interface
	Discovery  clusterstate.Discovery
	Namespace  string
	// Namespaces are every namespace the fabric spans (Namespace first).
	Namespaces []string
	Host       string
	// Timeout is --request-timeout (0: none).
	Timeout time.Duration
}

// Reader returns a reader of the cluster's actual state.
func (c *Cluster) Reader() *clusterstate.Reader {
	return &clusterstate.Reader{Dynamic: c.Dynamic, Discovery: c.Discovery, Namespace: c.Namespace, Namespaces: c.Namespaces, Host: c.Host}
}

// Cluster builds the clients of a fabric's cluster: the fabric's
// kubeconfig, context and namespace, overridden by kube flags the user set.
// Fabrics of one kubeconfig context share the clients for the command run:
// the kubeconfig is read once, and one transport (one TLS handshake) serves
// them all.
func (f *Factory) Cluster(fab *fabric.Fabric) (*Cluster, error) {
	flags := f.kubeFlagsFor(fab)
	c, err := f.clients.get(clientsKey(flags), func() (*clusterClients, error) { return f.newClients(flags) })
	if err != nil {
		return nil, err
	}
	return &Cluster{RestConfig: c.rc, Dynamic: c.dyn, Discovery: c.disc, Namespace: f.Namespace(fab), Namespaces: f.Namespaces(fab), Host: c.rc.Host, Timeout: c.rc.Timeout}, nil
}

// clientsKey names the clients of flags: their kubeconfig and context.
func clientsKey(flags *KubeFlags) string {
	return ptrString(flags.KubeConfig) + "\x00" + ptrString(flags.Context)
}

// clusterClients are the clients of one kubeconfig context.
type clusterClients struct {
	rc   *rest.Config
	dyn  dynamic.Interface
	disc clusterstate.Discovery
}

func ptrString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// newClients builds the clients of the kubeconfig context flags name.
func (f *Factory) newClients(flags *KubeFlags) (*clusterClients, error) {
	rc, err := flags.ToRESTConfig()
	if err != nil || rc.Host == clientcmd.ClusterDefaults.Server {
		// client-go falls back to localhost:8080 when no context applies.
		if nc := noCurrentContext(flags); nc != nil {
			return nil, nc
		}
	}
	if err != nil {
		return nil, fmt.Errorf("loading the cluster's kubeconfig: %w", err)
	}
	rc = rest.CopyConfig(rc)
	// LISTs of the 12 kinds run concurrently; client-side throttling at the
	// default 5 QPS would serialise them.
	rc.QPS, rc.Burst = 100, 200
	rc.UserAgent = "kubectl-hnp"
	// Compressing responses to a server on this machine (kind, k3d, a
	// port-forward, kubectl proxy) costs both ends CPU and saves nothing:
	// ask for them plain unless the user chose (--disable-compression).
	if !f.changed("disable-compression") && loopbackServer(rc.Host) {
		rc.DisableCompression = true
	}
	if f.WrapTransport != nil {
		rc.Wrap(f.WrapTransport)
	}
	dyn, err := clusterstate.NewDynamic(rc)
	if err != nil {
		return nil, err
	}
	return &clusterClients{rc: rc, dyn: dyn, disc: dyn.Discovery()}, nil
}

// loopbackServer reports whether a server address names this machine:
// localhost or a loopback IP address, with or without a scheme and port.
func loopbackServer(host string) bool {
	h := host
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		h = u.Hostname()
	} else if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Namespace is the fabric's namespace: -n when given, else the fabric's
// cluster.namespace, else "default". Objects in Git that name no namespace
// belong to it, as a GitOps tool deploying into it would place them.
func (f *Factory) Namespace(fab *fabric.Fabric) string {
	if f.changed("namespace") && f.KubeFlags.Namespace != nil && *f.KubeFlags.Namespace != "" {
		return *f.KubeFlags.Namespace
	}
	return fab.Namespace()
}

// Namespaces are every namespace the fabric spans: -n alone when given,
// else the fabric's cluster.namespace and cluster.namespaces.
func (f *Factory) Namespaces(fab *fabric.Fabric) []string {
	if f.changed("namespace") && f.KubeFlags.Namespace != nil && *f.KubeFlags.Namespace != "" {
		return []string{*f.KubeFlags.Namespace}
	}
	return fab.Namespaces()
}

// kubeFlagsFor builds kube flags for one fabric: the user's flags where set,
// else the fabric's cluster settings.
func (f *Factory) kubeFlagsFor(fab *fabric.Fabric) *KubeFlags {
	c := f.KubeFlags.Copy()
	if !f.changed("kubeconfig") && fab.Cluster.Kubeconfig != "" {
		p := fabric.ExpandHome(fab.Cluster.Kubeconfig, f.home())
		c.KubeConfig = &p
	}
	if !f.changed("context") && fab.Cluster.Context != "" {
		ctx := fab.Cluster.Context
		c.Context = &ctx
	}
	return c
}

// IsTerminal reports whether stdout is a terminal.
func (f *Factory) IsTerminal() bool {
	file, ok := f.IOStreams.Out.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// StderrIsTerminal reports whether stderr is a terminal (progress output).
func (f *Factory) StderrIsTerminal() bool {
	file, ok := f.IOStreams.ErrOut.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// Color reports whether to use colour on stdout: a terminal that is not
// TERM=dumb, and no NO_COLOR.
func (f *Factory) Color() bool {
	return f.IsTerminal() && ColorAllowed(f.Getenv)
}

// ColorAllowed reports whether the environment allows colour: NO_COLOR
// unset or empty (no-color.org) and TERM not "dumb".
func ColorAllowed(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}
