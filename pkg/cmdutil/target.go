package cmdutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// Target is the one object of one fabric that edit or delete changes.
type Target struct {
	Fabric    *fabric.Fabric
	Workspace *gitstate.Workspace
	Namespace string
	Key       resource.Key
	Located   *writeback.Located
	// What names the object for messages: "VPC default/vpc-1".
	What string
}

// LocateTarget resolves the single fabric a changing command acts on,
// opens its workspace and finds the object's document.
func (f *Factory) LocateTarget(ctx context.Context, k *kinds.Kind, name string) (*Target, error) {
	fabs, err := f.Fabrics(true)
	if err != nil {
		return nil, err
	}
	fab := &fabs[0]
	ws, err := f.ChangeWorkspace(ctx, fab)
	if err != nil {
		return nil, err
	}
	ns := f.Namespace(fab)
	key := resource.Key{Kind: k.Kind, Namespace: ns, Name: name}
	loc, err := writeback.LocateIn(ws.Root, fab.Git.Dir, fab.Git.RenderPath(), key, ns)
	if err != nil {
		return nil, err
	}
	return &Target{Fabric: fab, Workspace: ws, Namespace: ns, Key: key, Located: loc,
		What: fmt.Sprintf("%s %s/%s", key.Kind, key.Namespace, key.Name)}, nil
}

// ParseKindsAndName reads "[KINDS [NAME]]" arguments: kinds as
// kinds.Parse reads them, and a NAME only after exactly one kind; or one
// "KIND/NAME" argument.
func ParseKindsAndName(args []string) ([]*kinds.Kind, string, error) {
	if len(args) == 1 && strings.Contains(args[0], "/") {
		k, name, err := kinds.ParseRef(args)
		if err != nil {
			return nil, "", err
		}
		return []*kinds.Kind{k}, name, nil
	}
	kindArg := ""
	if len(args) > 0 {
		kindArg = args[0]
	}
	ks, err := kinds.Parse(kindArg)
	if err != nil {
		return nil, "", err
	}
	if len(args) == 2 {
		if len(ks) != 1 {
			return nil, "", fmt.Errorf("a NAME needs exactly one kind, got %q", kindArg)
		}
		return ks, args[1], nil
	}
	return ks, "", nil
}
