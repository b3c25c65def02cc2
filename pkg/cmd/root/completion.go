package root

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/githedgehog/kubectl-hnp/pkg/cmd/completion"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// completionTimeout bounds the Git work of one completion request. Reading
// the cache is fast; the bound matters when the cache is filled on first
// use (a clone) or another kubectl-hnp holds the cache clone's lock, and a
// shell must not hang on that.
const completionTimeout = 3 * time.Second

// argShape says what the positional arguments of a command are.
type argShape int

const (
	// kindList: [KINDS] — one kind, a comma-separated list, or all.
	kindList argShape = iota
	// kindListName: [KINDS [NAME]] — a NAME only after exactly one kind.
	kindListName
	// kindRef: KIND NAME | KIND/NAME — exactly one object.
	kindRef
	// kindRefs: KIND NAME [NAME...] | KIND/NAME [KIND/NAME...] — objects.
	kindRefs
)

// argCommands are the commands whose arguments get dynamic completion, and
// whether they act on a single fabric (and so read names from that one).
var argCommands = map[string]struct {
	shape  argShape
	single bool
}{
	"list":   {kindList, false},
	"drift":  {kindListName, false},
	"sync":   {kindListName, false},
	"get":    {kindRefs, true},
	"edit":   {kindRef, true},
	"delete": {kindRef, true},
}

// setupCompletion adds the completion command and wires dynamic completion
// into the command tree: fabric names from the config file, kind names,
// object names read from the Git cache (offline, no cluster request), kube
// contexts, and the values of -o and --source.
func setupCompletion(root *cobra.Command, f *cmdutil.Factory) {
	root.AddCommand(completion.NewCmd())
	c := &completer{f: f}
	_ = root.RegisterFlagCompletionFunc("fabric", c.fabrics)
	_ = root.RegisterFlagCompletionFunc("context", c.contexts)
	walk(root, func(cmd *cobra.Command) {
		if spec, ok := argCommands[cmd.Name()]; ok && cmd.Parent() == root && cmd.ValidArgsFunction == nil {
			cmd.ValidArgsFunction = c.args(spec.shape, spec.single)
		}
		if cmd.Parent() != nil && cmd.Parent().Name() == "fabric" && (cmd.Name() == "show" || cmd.Name() == "remove") && cmd.ValidArgsFunction == nil {
			cmd.ValidArgsFunction = c.fabricArg
		}
		for _, name := range []string{"output", "source"} {
			if fl := cmd.LocalNonPersistentFlags().Lookup(name); fl != nil {
				if choices := choicesFromUsage(fl.Usage); len(choices) > 0 {
					_ = cmd.RegisterFlagCompletionFunc(name, prefixed(choices))
				}
			}
		}
	})
}

func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, c := range cmd.Commands() {
		walk(c, fn)
	}
}

// choiceRE matches a flag usage ending in an enumeration, as in
// "output format: table, wide, json or yaml".
var choiceRE = regexp.MustCompile(`:\s+([a-z][a-z-]*(?:,\s+[a-z][a-z-]*)*\s+or\s+[a-z][a-z-]*)$`)

// choicesFromUsage returns the values a flag's usage enumerates, or nil.
func choicesFromUsage(usage string) []string {
	m := choiceRE.FindStringSubmatch(usage)
	if m == nil {
		return nil
	}
	var out []string
	for _, part := range strings.Split(strings.Replace(m[1], " or ", ", ", 1), ",") {
		part = strings.TrimSpace(part)
		if part == "jsonpath" || part == "custom-columns" {
			part += "=" // kubectl's template formats: the template follows
		}
		out = append(out, part)
	}
	return out
}

// prefixed completes the choices that start with what was typed; a lone
// choice ending in "=" (jsonpath=) takes no space after it.
func prefixed(choices []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, c := range choices {
			if strings.HasPrefix(c, toComplete) {
				out = append(out, c)
			}
		}
		if len(out) == 1 && strings.HasSuffix(out[0], "=") {
			return out, noFiles | cobra.ShellCompDirectiveNoSpace
		}
		return out, noFiles
	}
}

type completer struct {
	f *cmdutil.Factory
}

const noFiles = cobra.ShellCompDirectiveNoFileComp

// fabrics completes --fabric: the configured fabric names, after any
// comma-separated names already typed.
func (c *completer) fabrics(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cfg, err := c.f.Config()
	if err != nil {
		return nil, noFiles
	}
	done, last := splitLast(toComplete)
	var out []cobra.Completion
	for _, fab := range cfg.Fabrics {
		if contains(done, fab.Name) || !strings.HasPrefix(fab.Name, last) {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(joinLast(done, fab.Name), fabricDesc(&fab)))
	}
	return out, noFiles
}

// fabricDesc describes a fabric in a completion: its repository (without
// credentials) and directory.
func fabricDesc(fab *fabric.Fabric) string {
	d := gitstate.RedactURL(fab.Git.URL)
	if fab.Git.Dir != "" {
		d += " " + fab.Git.Dir
	}
	return d
}

// fabricArg completes the NAME of `fabric show|remove`.
func (c *completer) fabricArg(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	cfg, err := c.f.Config()
	if err != nil {
		return nil, noFiles
	}
	var out []cobra.Completion
	for _, fab := range cfg.Fabrics {
		if strings.HasPrefix(fab.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(fab.Name, fabricDesc(&fab)))
		}
	}
	return out, noFiles
}

// contexts completes --context from the kubeconfig (--kubeconfig,
// $KUBECONFIG or ~/.kube/config); the cluster is not contacted.
func (c *completer) contexts(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	raw, err := c.f.KubeFlags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, noFiles
	}
	var out []cobra.Completion
	for name := range raw.Contexts {
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, noFiles
}

// args returns the positional-argument completion of a command of the given
// shape.
func (c *completer) args(shape argShape, single bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ref := shape == kindRef || shape == kindRefs
		slashForm := len(args) == 0 || strings.Contains(args[0], "/")
		switch {
		case ref && slashForm && (len(args) == 0 || shape == kindRefs):
			if kindArg, namePrefix, ok := strings.Cut(toComplete, "/"); ok {
				k, found := kinds.Lookup(kindArg)
				if !found {
					return nil, noFiles
				}
				var out []cobra.Completion
				for _, n := range c.names(cmd.Context(), k, single, namePrefix) {
					if !contains(strings.Join(args, ","), kindArg+"/"+n) {
						out = append(out, kindArg+"/"+n)
					}
				}
				return out, noFiles
			}
			if len(args) > 0 {
				// After KIND/NAME, only KIND/NAME: offer "KIND/" to go on.
				out := kindNames(toComplete, false)
				for i := range out {
					name, desc, _ := strings.Cut(out[i], "\t")
					out[i] = cobra.CompletionWithDesc(name+"/", desc)
				}
				return out, noFiles | cobra.ShellCompDirectiveNoSpace
			}
			return kindNames(toComplete, false), noFiles
		case len(args) == 0:
			return kindNames(toComplete, true), noFiles
		case ref && (len(args) == 1 || shape == kindRefs):
			if k, ok := kinds.Lookup(args[0]); ok {
				var out []cobra.Completion
				for _, n := range c.names(cmd.Context(), k, single, toComplete) {
					if !contains(strings.Join(args[1:], ","), n) {
						out = append(out, n)
					}
				}
				return out, noFiles
			}
		case len(args) == 1 && shape == kindListName:
			if ks, err := kinds.Parse(args[0]); err == nil && len(ks) == 1 {
				return c.names(cmd.Context(), ks[0], single, toComplete), noFiles
			}
		}
		return nil, noFiles
	}
}

// kindNames completes a kind argument. With nothing typed it offers each
// kind's singular and short names; once a prefix is typed, every accepted
// name (plurals too) that matches. With list set, it completes the last element of a
// comma-separated list and offers "all".
func kindNames(toComplete string, list bool) []cobra.Completion {
	done, last := "", toComplete
	if list {
		done, last = splitLast(toComplete)
	}
	var out []cobra.Completion
	if list && done == "" && strings.HasPrefix("all", last) {
		out = append(out, cobra.CompletionWithDesc("all", "every managed kind"))
	}
	for _, k := range kinds.All() {
		names := append([]string{k.Singular}, k.ShortNames...)
		if last != "" {
			names = uniq(append(names, k.Plural))
		}
		for _, n := range names {
			if strings.HasPrefix(n, strings.ToLower(last)) && (!list || !containsKind(done, k)) {
				out = append(out, cobra.CompletionWithDesc(joinLast(done, n), k.Kind))
			}
		}
	}
	return out
}

// names returns the names of objects of kind k that start with prefix, read
// from the Git cache of the fabrics the command would act on: the selected
// fabric (--fabric, else the default) for a single-fabric command, which
// gets nothing when it could not choose one; every selected fabric
// otherwise. No cluster request is made. A cache that exists is read
// offline; one that does not is filled on this first use, within
// completionTimeout. Fabrics that cannot be read contribute nothing.
func (c *completer) names(ctx context.Context, k *kinds.Kind, single bool, prefix string) []cobra.Completion {
	userOffline := c.f.Offline
	defer func() { c.f.Offline = userOffline }()
	fabs, err := c.f.Fabrics(single)
	if err != nil {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	seen := map[string]bool{}
	for i := range fabs {
		for _, n := range c.gitNames(ctx, &fabs[i], k, !userOffline) {
			if strings.HasPrefix(n, prefix) {
				seen[n] = true
			}
		}
	}
	out := make([]cobra.Completion, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// gitNames lists the names of a fabric's objects of one kind in Git, from
// the cache as it is, or (mayFetch: --offline was not given) from a cache
// filled now when there is none.
func (c *completer) gitNames(ctx context.Context, fab *fabric.Fabric, k *kinds.Kind, mayFetch bool) []string {
	c.f.Offline = true
	ws, err := c.f.Workspace(ctx, fab)
	if err != nil && mayFetch && !errors.Is(err, context.DeadlineExceeded) {
		// No cache yet (or one that cannot serve): fill it now, bounded by
		// ctx's deadline.
		c.f.Offline = false
		ws, err = c.f.Workspace(ctx, fab)
	}
	if err != nil {
		return nil
	}
	// Load returns what parsed alongside errors of other files.
	d, _ := cmdutil.LoadDesired(ws, fab)
	if d == nil {
		return nil
	}
	var out []string
	for key := range d.Objects {
		if key.Kind == k.Kind {
			out = append(out, key.Name)
		}
	}
	return out
}

// splitLast splits "a,b,c" into "a,b" and "c".
func splitLast(s string) (done, last string) {
	if i := strings.LastIndex(s, ","); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

func joinLast(done, s string) string {
	if done == "" {
		return s
	}
	return done + "," + s
}

// contains reports whether a comma-separated list holds s.
func contains(list, s string) bool {
	for _, e := range strings.Split(list, ",") {
		if e == s {
			return true
		}
	}
	return false
}

// containsKind reports whether a comma-separated list of kind names names k.
func containsKind(list string, k *kinds.Kind) bool {
	for _, e := range strings.Split(list, ",") {
		if got, ok := kinds.Lookup(e); ok && got == k {
			return true
		}
	}
	return false
}

func uniq(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
