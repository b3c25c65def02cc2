package push

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    time.Duration
		wantErr string
	}{
		{args: nil, want: gitstate.DefaultRetryTimeout},
		{args: []string{"--retry-timeout", "5m"}, want: 5 * time.Minute},
		{args: []string{"--retry-timeout", "0"}, want: 0},
		{args: []string{"vpc"}, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
		var got *Options
		cmd := NewCmd(f, func(o *Options) error { got = o; return nil })
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
		if err != nil || got == nil || got.RetryTimeout != tt.want {
			t.Errorf("%v: %v, options %+v; want --retry-timeout %v", tt.args, err, got, tt.want)
		}
	}
}
