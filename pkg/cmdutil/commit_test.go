package cmdutil

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

func TestKeepSaysHowToRetryWhenTheRemoteKeptMoving(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	f := NewFactory(genericiooptions.IOStreams{})
	edit := []byte("kind: VPC\nmetadata: {name: vpc-1}\n")
	c := &Change{What: "VPC default/vpc-1", Edit: edit, Retry: func(p string) string { return "kubectl hnp edit vpc vpc-1 --fabric lab -f " + p }}
	moved := fmt.Errorf("pushing to /r (branch main): %w", &gitstate.MovedError{Branch: "main", Tries: 7, Waited: 61 * time.Second})
	err := f.Keep(c, moved)
	msg := err.Error()
	m := regexp.MustCompile(`Your edit was saved to (\S+)`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("no saved edit in: %s", msg)
	}
	if got, rerr := os.ReadFile(m[1]); rerr != nil || !bytes.Equal(got, edit) {
		t.Errorf("the saved edit holds %q (%v)", got, rerr)
	}
	for _, want := range []string{"kept moving", "7 pushes", "kubectl hnp edit vpc vpc-1 --fabric lab -f " + m[1], "--retry-timeout"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "non-fast-forward") {
		t.Errorf("go-git's raw text in: %s", msg)
	}

	// Another failure: no retry advice.
	if msg := f.Keep(c, fmt.Errorf("auth failed")).Error(); strings.Contains(msg, "retry-timeout") || !strings.Contains(msg, "Your edit was saved to") {
		t.Errorf("auth failure: %s", msg)
	}
	// Nothing to save (delete): the advice alone.
	if msg := f.Keep(&Change{What: "VPC default/vpc-1"}, moved).Error(); !strings.Contains(msg, "--retry-timeout") || strings.Contains(msg, "saved") {
		t.Errorf("delete: %s", msg)
	}
}

func TestRetryTimeoutFlag(t *testing.T) {
	for flag, want := range map[time.Duration]time.Duration{0: -1, -time.Second: -1, 90 * time.Second: 90 * time.Second} {
		if got := retryTimeout(flag); got != want {
			t.Errorf("--retry-timeout %v gives %v, want %v", flag, got, want)
		}
	}
}
