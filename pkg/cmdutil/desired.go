package cmdutil

import (
	"io/fs"
	"os"
	"path"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
)

// LoadDesired reads a fabric's desired state from its workspace as its
// deployer sees it (render.LoadDesired): a cache clone's commit straight
// from the object store, without a checkout; a local working tree from
// disk, uncommitted edits included. The one way the commands read Git.
func LoadDesired(ws *gitstate.Workspace, fab *fabric.Fabric) (*desired.State, error) {
	if ws.Local {
		return render.LoadDesiredCached(ws.Root, fab.Git.Dir, fab.Git.RenderPath(), ws.ParseCache())
	}
	tree, err := ws.Tree()
	if err != nil {
		return nil, err
	}
	defer func() { _ = tree.Close() }()
	return render.LoadDesiredFS(tree, fab.Git.Dir, fab.Git.RenderPath())
}

// Files returns the files LoadDesired reads, as an fs.FS rooted at the
// workspace's Root, and a function that releases it.
func Files(ws *gitstate.Workspace) (fs.FS, func(), error) {
	if ws.Local {
		return os.DirFS(ws.Root), func() {}, nil
	}
	tree, err := ws.Tree()
	if err != nil {
		return nil, nil, err
	}
	return tree, func() { _ = tree.Close() }, nil
}

// CheckoutDirs is what a command that changes a fabric reads from its
// cache clone's working tree: the fabric's directory and render path
// alone (a sparse checkout); every file when the render path holds a
// kustomization, whose resources and bases may lie anywhere.
func CheckoutDirs(fab *fabric.Fabric) gitstate.CheckoutDirsFunc {
	dir, renderPath := fab.Git.Dir, fab.Git.RenderPath()
	return func(tree fs.FS) []string {
		if top, err := render.FindKustomization(tree, path.Clean("./"+renderPath)); err != nil || top != "" {
			return nil
		}
		return []string{dir, renderPath}
	}
}
