// Package fabric holds the configuration of the fabrics kubectl-hnp acts on:
// the config file's types, loading and saving it, validation, and resolving
// which fabrics a command acts on.
package fabric

import "slices"

// Config file identity.
const (
	ConfigAPIVersion = "hnp.githedgehog.com/v1alpha1"
	ConfigKind       = "Config"
)

// Config is the kubectl-hnp configuration file.
type Config struct {
	APIVersion    string   `json:"apiVersion" mapstructure:"apiVersion"`
	Kind          string   `json:"kind" mapstructure:"kind"`
	DefaultFabric string   `json:"defaultFabric,omitempty" mapstructure:"defaultFabric"`
	Fabrics       []Fabric `json:"fabrics" mapstructure:"fabrics"`
}

// Fabric is a Git location holding the desired state plus the cluster
// holding the actual state.
type Fabric struct {
	Name    string       `json:"name" mapstructure:"name"`
	Git     GitSpec      `json:"git" mapstructure:"git"`
	Cluster ClusterSpec  `json:"cluster" mapstructure:"cluster"`
	Ignore  []IgnoreRule `json:"ignore,omitempty" mapstructure:"ignore"`
	// GitOps names the deployer that applies the fabric's Git to its
	// cluster, when known.
	GitOps *GitOps `json:"gitops,omitempty" mapstructure:"gitops"`
	// Hedgehog describes the fabric's controller: whether its admission
	// webhooks run, and the FabricConfig values validation needs.
	Hedgehog *Hedgehog `json:"hedgehog,omitempty" mapstructure:"hedgehog"`
}

// GitSpec locates a fabric's desired state in Git.
type GitSpec struct {
	// URL is a remote URL (https://, ssh://, git@host:path, file://), a path
	// to a bare repository, or a path to a local working tree.
	URL string `json:"url" mapstructure:"url"`
	// Branch is the branch to read and push; empty means the remote's HEAD.
	Branch string `json:"branch,omitempty" mapstructure:"branch"`
	// Dir is the fabric's directory inside the repository.
	Dir string `json:"dir,omitempty" mapstructure:"dir"`
	// Path is the directory whose kustomization the deployer builds (an
	// overlay; Flux's spec.path, Argo CD's source.path), relative to the
	// repository root. Empty means Dir. When it holds a kustomization
	// file, the desired state is that build; else the raw files of Dir.
	Path string   `json:"path,omitempty" mapstructure:"path"`
	Auth *GitAuth `json:"auth,omitempty" mapstructure:"auth"`
	// WebURL is the repository's web URL template for links to an
	// object's source in the HTML drift report: {rev}, {file} and {line}
	// are filled in, e.g.
	// https://github.com/org/repo/blob/{rev}/{file}#L{line}.
	WebURL string `json:"webURL,omitempty" mapstructure:"webURL"`
}

// RenderPath is the directory whose kustomization file, if any, defines
// the desired state: Path, else Dir.
func (g *GitSpec) RenderPath() string {
	if g.Path != "" {
		return g.Path
	}
	return g.Dir
}

// GitAuth says how to authenticate to the remote.
type GitAuth struct {
	// TokenEnv names the environment variable holding an HTTPS token.
	TokenEnv string `json:"tokenEnv,omitempty" mapstructure:"tokenEnv"`
	// Username goes with the token for HTTP basic auth (default "git").
	Username string `json:"username,omitempty" mapstructure:"username"`
	// SSHKey is the path of a private key for SSH remotes.
	SSHKey string `json:"sshKey,omitempty" mapstructure:"sshKey"`
}

// ClusterSpec locates a fabric's controller cluster.
type ClusterSpec struct {
	Kubeconfig string `json:"kubeconfig,omitempty" mapstructure:"kubeconfig"`
	Context    string `json:"context,omitempty" mapstructure:"context"`
	// Namespace is where Git objects that name no namespace belong, and the
	// namespace read from the cluster.
	Namespace string `json:"namespace,omitempty" mapstructure:"namespace"`
	// Namespaces are further namespaces the fabric spans: every one of them
	// (and Namespace) is read from the cluster. Without Namespace, the first
	// of them is where Git objects that name no namespace belong.
	Namespaces []string `json:"namespaces,omitempty" mapstructure:"namespaces"`
}

// IgnoreRule excludes fields from drift comparison for matching objects.
type IgnoreRule struct {
	// Kind matches a kind name (any accepted form); empty matches all kinds.
	Kind string `json:"kind,omitempty" mapstructure:"kind"`
	// Name is a glob over object names; empty matches all.
	Name string `json:"name,omitempty" mapstructure:"name"`
	// Namespace is an object's namespace; empty matches all.
	Namespace string `json:"namespace,omitempty" mapstructure:"namespace"`
	// Paths are JSON pointers; "*" matches any map key or list index.
	Paths []string `json:"paths,omitempty" mapstructure:"paths"`
	// Managers are field managers whose fields in the cluster's copy are
	// not compared (drift.ManagerRule).
	Managers []string `json:"managers,omitempty" mapstructure:"managers"`
	// JQPathExpressions are jq path expressions whose paths are deleted
	// from each side before the comparison (drift.JQRule).
	JQPathExpressions []string `json:"jqPathExpressions,omitempty" mapstructure:"jqPathExpressions"`
}

// Namespace returns the fabric's namespace: cluster.namespace, else the
// first of cluster.namespaces, else "default".
func (f *Fabric) Namespace() string {
	switch {
	case f.Cluster.Namespace != "":
		return f.Cluster.Namespace
	case len(f.Cluster.Namespaces) > 0:
		return f.Cluster.Namespaces[0]
	}
	return "default"
}

// Namespaces returns every namespace the fabric spans, Namespace first,
// without duplicates.
func (f *Fabric) Namespaces() []string {
	out := []string{f.Namespace()}
	for _, ns := range f.Cluster.Namespaces {
		if !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}
