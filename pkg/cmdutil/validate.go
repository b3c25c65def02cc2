package cmdutil

import (
	"context"
	"fmt"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/validate"
)

// Validation modes of --validate.
const (
	ValidateStrict = "strict"
	ValidateSchema = "schema"
	ValidateNone   = "none"
)

// Checker validates objects before they are written to Git.
type Checker struct {
	// Render, when set, turns an edited source document into the object
	// the deployer applies (a kustomize fabric's render check), which is
	// then validated; its error refuses the edit.
	Render func(obj map[string]interface{}) (map[string]interface{}, error)

	mode      string
	validator *validate.Validator
	cluster   *Cluster
	// webhooks: the fabric's cluster runs the Hedgehog webhooks (mode on
	// or auto), so objects are defaulted before the schema check.
	webhooks bool
	// rules, when set (UseFabric), checks the Hedgehog rules of a change.
	rules func(fabriccheck.Change) error
}

// Mode is the mode in effect: it can fall back from strict to schema when
// the cluster cannot be reached and the user did not ask for strict.
func (c *Checker) Mode() string { return c.mode }

// Checker prepares validation for a fabric. mode is "" (the default: strict
// when the cluster is reachable, else schema from the cached CRDs),
// "strict", "schema" or "none". The CRDs read from the cluster are cached
// under the cache folder for --offline and unreachable clusters.
func (f *Factory) Checker(ctx context.Context, fab *fabric.Fabric, mode string) (*Checker, error) {
	switch mode {
	case "", ValidateStrict, ValidateSchema, ValidateNone:
	default:
		return nil, fmt.Errorf("unknown --validate mode %q; allowed: strict, schema, none", mode)
	}
	if mode == ValidateNone {
		return &Checker{mode: ValidateNone}, nil
	}
	cacheDir := filepath.Join(f.CacheDir(), "crds", fab.Name)
	var fetchErr error
	if !f.Offline {
		cl, err := f.Cluster(fab)
		if err == nil {
			fetched, ferr := validate.Fetch(ctx, cl.RestConfig, nil)
			if ferr == nil {
				v, err := validate.FromCRDs(fetched...)
				if err != nil {
					return nil, err
				}
				if err := validate.SaveCache(cacheDir, fetched...); err != nil {
					fmt.Fprintf(f.IOStreams.ErrOut, "Warning: caching the CRDs in %s: %v\n", cacheDir, err)
				}
				m := mode
				if m == "" {
					m = ValidateStrict
				}
				return &Checker{mode: m, validator: v.WithOptions(validate.Options{RejectUnknownFields: true, DefaultNamespace: f.Namespace(fab)}), cluster: cl,
					webhooks: fab.WebhookMode() != fabric.WebhooksOff}, nil
			}
			err = ferr
		}
		fetchErr = err
	}
	if mode == ValidateStrict {
		if fetchErr == nil {
			fetchErr = fmt.Errorf("--offline")
		}
		return nil, fmt.Errorf("--validate=strict needs the fabric's cluster: %w", fetchErr)
	}
	v, err := validate.LoadCache(cacheDir)
	if err != nil {
		return nil, fmt.Errorf("cannot validate: the cluster's CRDs could not be read (%v) and none are cached (%v); use --validate=none to skip validation", fetchErr, err)
	}
	if fetchErr != nil {
		fmt.Fprintf(f.IOStreams.ErrOut, "Warning: the cluster could not be reached (%v); validating against the CRDs cached in %s\n", fetchErr, cacheDir)
	}
	return &Checker{mode: ValidateSchema, validator: v.WithOptions(validate.Options{RejectUnknownFields: true, DefaultNamespace: f.Namespace(fab)}),
		webhooks: fab.WebhookMode() != fabric.WebhooksOff}, nil
}

// Check validates one object: its CRD's schema, then (strict) a server-side
// dry-run apply against the fabric's cluster, which runs its admission
// webhooks too.
func (c *Checker) Check(ctx context.Context, obj map[string]interface{}) error {
	if c.Render != nil {
		rendered, err := c.Render(obj)
		if err != nil {
			return err
		}
		obj = rendered
	}
	if c.mode == ValidateNone {
		return nil
	}
	u := &unstructured.Unstructured{Object: obj}
	checked := u
	if c.webhooks {
		// The API server checks the schema after the mutating webhooks.
		checked = u.DeepCopy()
		hedgehog.Default(checked)
	}
	if err := c.validator.Validate(checked); err != nil {
		return err
	}
	if c.rules != nil {
		if err := c.rules(fabriccheck.Change{Put: []*unstructured.Unstructured{u}}); err != nil {
			return err
		}
	}
	if c.mode != ValidateStrict {
		return nil
	}
	k := kinds.ForObject(u.GetAPIVersion(), u.GetKind())
	if k == nil {
		return fmt.Errorf("%s %s is not a kind kubectl-hnp manages", u.GetAPIVersion(), u.GetKind())
	}
	r := c.cluster.Reader()
	served, err := r.Resolve(ctx, []*kinds.Kind{k})
	if err != nil {
		return err
	}
	key := resource.KeyOf(u)
	if u.GetNamespace() == "" {
		key.Namespace = c.cluster.Namespace
	}
	_, err = r.DryRunApply(ctx, map[string]*kinds.Kind{k.Kind: served[0]}, []*resource.Object{{Key: key, Obj: u}}, 1)
	if err != nil {
		return fmt.Errorf("the cluster rejects it (server-side dry run): %w", err)
	}
	return nil
}
