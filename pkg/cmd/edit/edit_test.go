package edit

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// Flag parsing alone: runF replaces Run.
func TestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		check   func(*Options) bool
	}{
		{args: []string{"vpc", "vpc-1", "--set", "a.b=1", "--set", "c=2", "--set-string", "d=3"}, check: func(o *Options) bool {
			return o.kind.Kind == "VPC" && o.name == "vpc-1" && len(o.Sets) == 2 && len(o.SetStrings) == 1 && !o.interactive()
		}},
		{args: []string{"sw/leaf-01"}, check: func(o *Options) bool { return o.kind.Kind == "Switch" && o.interactive() }},
		{args: []string{"vpc/vpc-1", "-f", "x.yaml", "-m", "msg", "--no-push", "--branch", "b", "--validate", "schema", "--dry-run"}, check: func(o *Options) bool {
			return o.File == "x.yaml" && o.Message == "msg" && o.NoPush && o.NewBranch == "b" && o.Validate == "schema" && o.DryRun
		}},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--to-branch", "r", "--continue"}, check: func(o *Options) bool {
			return o.NewBranch == "r" && o.Continue
		}},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--continue"}, wantErr: "name it with --to-branch"},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--branch", "a", "--to-branch", "b"}, wantErr: "disagree"},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--wait", "--to-branch", "b"}, wantErr: "--wait needs"},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--patch", "{}"}, wantErr: "use one of"},
		{args: []string{"vpc/vpc-1", "--patch", "{}", "--patch-file", "p"}, wantErr: "not both"},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--wait", "--no-push"}, wantErr: "--wait needs"},
		{args: []string{"vpc/vpc-1", "--set", "a=1", "--wait", "--timeout", "0s"}, wantErr: "--timeout"},
		{args: []string{"vpc"}, wantErr: "KIND NAME"},
		{args: []string{"pod", "x"}, wantErr: `unknown kind "pod"`},
	}
	for _, tt := range tests {
		f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
		var got *Options
		cmd := NewCmd(f, func(o *Options) error { got = o; return nil })
		f.AddGlobalFlags(cmd.PersistentFlags())
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got == nil || !tt.check(got) {
			t.Errorf("%v: %v, options %+v", tt.args, err, got)
		}
	}
}

func TestStripHeader(t *testing.T) {
	doc := []byte("# a comment of the object\napiVersion: v1\n")
	fab := &fabric.Fabric{Name: "lab"}
	loc := &writeback.Located{File: "f.yaml"}
	shown := append(header(fab, loc, "VPC default/vpc-1", []string{"spec.x: bad\nsecond line"}), doc...)
	if !bytes.Contains(shown, []byte("#   spec.x: bad\n#   second line\n")) {
		t.Errorf("problems are shown as comments: %s", shown)
	}
	if got := stripHeader(shown); !bytes.Equal(got, doc) {
		t.Errorf("got %q", got)
	}
	if got := stripHeader(doc); !bytes.Equal(got, doc) {
		t.Errorf("a file without the header is kept whole: %q", got)
	}
}
