// Package fabric implements `kubectl hnp fabric list|add|remove|show`, which
// manage the fabrics in the config file.
package fabric

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	cfgpkg "github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// NewCmd returns the fabric command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fabric",
		Short: "Manage the fabrics in the kubectl-hnp config file",
		Long: `A fabric is a Git location (repository, branch, directory) holding the desired
state, plus the cluster holding the actual state. Fabrics live in the config file
($XDG_CONFIG_HOME/kubectl-hnp/config.yaml, --config or HNP_CONFIG).`,
	}
	cmd.AddCommand(newListCmd(f), newAddCmd(f), newRemoveCmd(f), newShowCmd(f))
	return cmd
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	var output string
	var noHeaders bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the configured fabrics",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := printers.CheckFormat(output, "table", "json", "yaml", "name"); err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			switch output {
			case "json", "yaml":
				return printers.WriteData(f.IOStreams.Out, output, redacted(cfg).Fabrics)
			case "name":
				for _, n := range cfg.Names() {
					fmt.Fprintln(f.IOStreams.Out, n)
				}
				return nil
			}
			if len(cfg.Fabrics) == 0 {
				fmt.Fprintf(f.IOStreams.ErrOut, "No fabrics configured in %s. Add one with `kubectl hnp fabric add`.\n", f.ResolvedConfigPath())
				return nil
			}
			return printers.WriteTable(f.IOStreams.Out, fabricTable(cfg), printers.TableOptions{NoHeaders: noHeaders, Aligned: f.IsTerminal()})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table, json, yaml or name")
	cmd.Flags().BoolVar(&noHeaders, "no-headers", false, "omit table headers")
	return cmd
}

func fabricTable(cfg *cfgpkg.Config) printers.Table {
	t := printers.Table{Header: []string{"NAME", "DEFAULT", "REPO", "BRANCH", "DIR", "CONTEXT", "NAMESPACE"}}
	for _, fb := range cfg.Fabrics {
		def := ""
		if fb.Name == cfg.DefaultFabric {
			def = "*"
		}
		t.Rows = append(t.Rows, []string{fb.Name, orDash(def), gitstate.RedactURL(fb.Git.URL), orDash(fb.Git.Branch),
			orDash(fb.Git.Dir), orDash(fb.Cluster.Context), fb.Namespace()})
	}
	return t
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// redacted returns a copy of the config whose URLs hide credentials.
func redacted(cfg *cfgpkg.Config) *cfgpkg.Config {
	c := *cfg
	c.Fabrics = slices.Clone(cfg.Fabrics)
	for i := range c.Fabrics {
		c.Fabrics[i].Git.URL = gitstate.RedactURL(c.Fabrics[i].Git.URL)
	}
	return &c
}

// addOptions are the flags of `fabric add` beyond the global ones.
type addOptions struct {
	tokenEnv, username, sshKey string
	setDefault, force          bool
}

func newAddCmd(f *cmdutil.Factory) *cobra.Command {
	var o addOptions
	cmd := &cobra.Command{
		Use:   "add NAME --repo URL [--dir DIR] [--branch B] [--context CTX] [--kubeconfig F] [-n NS]",
		Short: "Add a fabric to the config file",
		Example: `  kubectl hnp fabric add lab --repo https://git.example.com/net/fabrics.git --dir fabrics/lab --context lab-ctrl
  kubectl hnp fabric add prod --repo git@git.example.com:net/fabrics.git --dir fabrics/prod --ssh-key ~/.ssh/id_ed25519 --context prod
  kubectl hnp fabric add dev --repo ~/src/fabrics --dir fabrics/dev --token-env HNP_GIT_TOKEN --default`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.Repo == "" {
				return fmt.Errorf("--repo is required: the Git repository holding the fabric's YAML")
			}
			if gitstate.RedactURL(f.Repo) != f.Repo {
				return fmt.Errorf("the --repo URL %s carries a token or password: it would be stored in the config file; remove it and use --token-env NAME instead", gitstate.RedactURL(f.Repo))
			}
			path := f.ResolvedConfigPath()
			cfg, err := f.Config()
			var notFound *cfgpkg.ConfigNotFoundError
			if errors.As(err, &notFound) {
				// add creates the file it was pointed at.
				cfg, err = &cfgpkg.Config{}, nil
			}
			if err != nil {
				return err
			}
			fb := cfgpkg.Fabric{Name: args[0], Git: cfgpkg.GitSpec{URL: cmdutil.AbsRepo(f.Repo), Branch: f.Branch, Dir: f.Dir}}
			if o.tokenEnv != "" || o.sshKey != "" {
				fb.Git.Auth = &cfgpkg.GitAuth{TokenEnv: o.tokenEnv, Username: o.username, SSHKey: o.sshKey}
			}
			kf := f.KubeFlags
			if kf.KubeConfig != nil {
				fb.Cluster.Kubeconfig = *kf.KubeConfig
			}
			if kf.Context != nil {
				fb.Cluster.Context = *kf.Context
			}
			if kf.Namespace != nil {
				fb.Cluster.Namespace = *kf.Namespace
			}
			if err := fb.Validate(); err != nil {
				return err
			}
			if existing, ok := cfg.Find(fb.Name); ok {
				if !o.force {
					return fmt.Errorf("fabric %q exists already in %s; use --force to replace it", fb.Name, path)
				}
				*existing = fb
			} else {
				cfg.Fabrics = append(cfg.Fabrics, fb)
			}
			if o.setDefault {
				cfg.DefaultFabric = fb.Name
			}
			if err := cfgpkg.Save(path, cfg); err != nil {
				return err
			}
			fmt.Fprintf(f.IOStreams.Out, "fabric %q added to %s\n", fb.Name, path)
			return nil
		},
	}
	cmd.Flags().StringVar(&o.tokenEnv, "token-env", "", "environment variable holding an HTTPS token for the repository")
	cmd.Flags().StringVar(&o.username, "username", "", "user name that goes with the token (default \"git\")")
	cmd.Flags().StringVar(&o.sshKey, "ssh-key", "", "private key file for an SSH repository")
	cmd.Flags().BoolVar(&o.setDefault, "default", false, "make this the default fabric")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace a fabric of the same name")
	return cmd
}

func newRemoveCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm"},
		Short:   "Remove a fabric from the config file (the repository and cluster are not touched)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := f.ResolvedConfigPath()
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			i := slices.IndexFunc(cfg.Fabrics, func(fb cfgpkg.Fabric) bool { return fb.Name == args[0] })
			if i < 0 {
				return fmt.Errorf("unknown fabric %q; configured fabrics: %v", args[0], cfg.Names())
			}
			cfg.Fabrics = slices.Delete(cfg.Fabrics, i, i+1)
			if cfg.DefaultFabric == args[0] {
				cfg.DefaultFabric = ""
			}
			if err := cfgpkg.Save(path, cfg); err != nil {
				return err
			}
			fmt.Fprintf(f.IOStreams.Out, "fabric %q removed from %s\n", args[0], path)
			return nil
		},
	}
}

func newShowCmd(f *cmdutil.Factory) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show one fabric's settings",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := printers.CheckFormat(output, "yaml", "json"); err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			fb, ok := redacted(cfg).Find(args[0])
			if !ok {
				return fmt.Errorf("unknown fabric %q; configured fabrics: %v", args[0], cfg.Names())
			}
			return printers.WriteData(f.IOStreams.Out, output, fb)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "yaml", "output format: yaml or json")
	return cmd
}
