package cmdutil

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

func TestCheckoutDirs(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("x")}
	plain := fstest.MapFS{"fabrics/lab/vpc.yaml": file, "docs/README.md": file}
	kustomized := fstest.MapFS{"fabrics/lab/overlay/kustomization.yaml": file, "fabrics/base/vpc.yaml": file}
	tests := []struct {
		name string
		git  fabric.GitSpec
		tree fstest.MapFS
		want []string
	}{
		{"a plain directory: it alone", fabric.GitSpec{Dir: "fabrics/lab"}, plain, []string{"fabrics/lab", "fabrics/lab"}},
		{"a render path beside the directory", fabric.GitSpec{Dir: "fabrics/lab", Path: "fabrics/lab/overlay"}, plain, []string{"fabrics/lab", "fabrics/lab/overlay"}},
		{"a kustomization: every file, its bases may lie anywhere", fabric.GitSpec{Dir: "fabrics/lab", Path: "fabrics/lab/overlay"}, kustomized, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fab := &fabric.Fabric{Git: tt.git}
			if got := CheckoutDirs(fab)(tt.tree); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
