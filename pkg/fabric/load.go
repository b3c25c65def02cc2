package fabric

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/viper"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"sigs.k8s.io/yaml"
)

// DefaultConfigPath returns $XDG_CONFIG_HOME/kubectl-hnp/config.yaml
// (~/.config/kubectl-hnp/config.yaml when XDG_CONFIG_HOME is unset).
func DefaultConfigPath(getenv func(string) string) string {
	base := getenv("XDG_CONFIG_HOME")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "kubectl-hnp", "config.yaml")
}

// ConfigNotFoundError is a config file that the user named (with --config
// or HNP_CONFIG) and that does not exist.
type ConfigNotFoundError struct {
	// Path is the file's path; NamedBy how it was given ("--config").
	Path, NamedBy string
}

// Error names the file, how it was named, and how to create it.
func (e *ConfigNotFoundError) Error() string {
	return fmt.Sprintf("config file %s not found (named by %s): check the path, or create the file with `kubectl hnp fabric add NAME --repo URL --dir DIR --config %s`", e.Path, e.NamedBy, e.Path)
}

// Load reads the config file at path (the default location). A missing file
// is an empty config, not an error, so that ad-hoc use (--repo) works
// without one.
func Load(path string) (*Config, error) {
	return LoadNamed(path, "")
}

// LoadNamed reads the config file at path. namedBy says how the user named
// it ("--config", "HNP_CONFIG"), and then a missing file is a
// *ConfigNotFoundError; empty, it is the default location (see Load).
func LoadNamed(path, namedBy string) (*Config, error) {
	cfg := &Config{APIVersion: ConfigAPIVersion, Kind: ConfigKind}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if namedBy != "" {
			return nil, &ConfigNotFoundError{Path: path, NamedBy: namedBy}
		}
		return cfg, nil
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("reading config file %s: %w", path, err)
	}
	if err := v.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return cfg, nil
}

// The patterns are compiled on first use, not in package init: every
// command (version and completion too) starts with this package linked in.
var (
	nameRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$`) })
	namespaceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`) })
)

// Validate checks the config: identity, unique valid names, a default that
// exists, and a Git URL for each fabric.
func (c *Config) Validate() error {
	if c.APIVersion != "" && c.APIVersion != ConfigAPIVersion {
		return fmt.Errorf("apiVersion %q is not supported (want %s)", c.APIVersion, ConfigAPIVersion)
	}
	if c.Kind != "" && c.Kind != ConfigKind {
		return fmt.Errorf("kind %q is not supported (want %s)", c.Kind, ConfigKind)
	}
	seen := map[string]bool{}
	var errs []error
	for i := range c.Fabrics {
		f := &c.Fabrics[i]
		if err := f.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("fabrics[%d]: %w", i, err))
			continue
		}
		if seen[f.Name] {
			errs = append(errs, fmt.Errorf("fabrics[%d]: fabric %q is defined twice", i, f.Name))
		}
		seen[f.Name] = true
	}
	if c.DefaultFabric != "" && !seen[c.DefaultFabric] && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("defaultFabric %q is not one of the fabrics", c.DefaultFabric))
	}
	return errors.Join(errs...)
}

// Validate checks one fabric's settings.
func (f *Fabric) Validate() error {
	if !nameRE().MatchString(f.Name) {
		return fmt.Errorf("fabric name %q is invalid: use lower-case letters, digits, '-', '_' and '.'", f.Name)
	}
	if strings.TrimSpace(f.Git.URL) == "" {
		return fmt.Errorf("fabric %q: git.url is required", f.Name)
	}
	for _, d := range []struct{ field, value string }{{"git.dir", f.Git.Dir}, {"git.path", f.Git.Path}} {
		if filepath.IsAbs(d.value) {
			return fmt.Errorf("fabric %q: %s %q must be relative to the repository root", f.Name, d.field, d.value)
		}
		for _, seg := range strings.Split(filepath.ToSlash(filepath.Clean(d.value)), "/") {
			if seg == ".." {
				return fmt.Errorf("fabric %q: %s %q leaves the repository", f.Name, d.field, d.value)
			}
		}
	}
	for i, ns := range append([]string{f.Cluster.Namespace}, f.Cluster.Namespaces...) {
		if (i > 0 || ns != "") && !namespaceRE().MatchString(ns) {
			field := "cluster.namespace"
			if i > 0 {
				field = fmt.Sprintf("cluster.namespaces[%d]", i-1)
			}
			return fmt.Errorf("fabric %q: %s %q is not a valid namespace name (lower-case letters, digits and '-', at most 63)", f.Name, field, ns)
		}
	}
	if f.Git.Auth != nil && f.Git.Auth.TokenEnv != "" && f.Git.Auth.SSHKey != "" {
		return fmt.Errorf("fabric %q: git.auth takes tokenEnv or sshKey, not both", f.Name)
	}
	if err := ValidateWebURL(f.Git.WebURL); err != nil {
		return fmt.Errorf("fabric %q: git.webURL: %w", f.Name, err)
	}
	if err := f.GitOps.validate(); err != nil {
		return fmt.Errorf("fabric %q: %w", f.Name, err)
	}
	if err := f.Hedgehog.validate(); err != nil {
		return fmt.Errorf("fabric %q: %w", f.Name, err)
	}
	for i, r := range f.Ignore {
		if r.Kind != "" && r.Kind != "*" {
			if _, ok := kinds.Lookup(r.Kind); !ok {
				return fmt.Errorf("fabric %q: ignore[%d]: %w", f.Name, i, &kinds.UnknownKindError{Name: r.Kind})
			}
		}
		if len(r.Paths) == 0 && len(r.Managers) == 0 && len(r.JQPathExpressions) == 0 {
			return fmt.Errorf("fabric %q: ignore[%d]: paths, managers and jqPathExpressions are empty", f.Name, i)
		}
		for _, p := range r.Paths {
			if !strings.HasPrefix(p, "/") {
				return fmt.Errorf("fabric %q: ignore[%d]: path %q is not a JSON pointer (it must start with /)", f.Name, i, p)
			}
		}
	}
	return nil
}

// Find returns the fabric with the given name.
func (c *Config) Find(name string) (*Fabric, bool) {
	for i := range c.Fabrics {
		if c.Fabrics[i].Name == name {
			return &c.Fabrics[i], true
		}
	}
	return nil, false
}

// Names returns the configured fabric names in file order.
func (c *Config) Names() []string {
	out := make([]string, len(c.Fabrics))
	for i, f := range c.Fabrics {
		out[i] = f.Name
	}
	return out
}

// Save writes the config atomically (see internal/atomicfile) with mode
// 0600, creating the directory when needed. A symbolic link at path (a
// config kept with one's dotfiles) is followed: the file it points to is
// replaced, and the link stays.
func Save(path string, c *Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.APIVersion, c.Kind = ConfigAPIVersion, ConfigKind
	b, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o600)
}
