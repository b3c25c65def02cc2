package sync

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 4)
	p.step("lab", "VPC", 10)
	p.step("lab", "Switch", 5)
	if !strings.HasSuffix(b.String(), "\r[###############...............] 2/4 kinds, 15 objects (lab Switch)\033[K") {
		t.Errorf("bar: %q", b.String())
	}
	p.done()
	if !strings.HasSuffix(b.String(), "\r\033[K") {
		t.Errorf("done should clear the line: %q", b.String())
	}
	var nilBar *progress
	nilBar.step("x", "y", 1) // a nil bar does nothing
	nilBar.done()
}
