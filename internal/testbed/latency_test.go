package testbed

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Bytes cross the proxy intact and in order, each way delayed: a round
// trip takes at least the round-trip time.
func TestLatencyProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(c, c) // echo
	}()
	const rtt = 40 * time.Millisecond
	p, err := NewLatencyProxy(ln.Addr().String(), rtt)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	for i, line := range []string{"one\n", strings.Repeat("x", 200000) + "\n", "three\n"} {
		start := time.Now()
		if _, err := io.WriteString(c, line); err != nil {
			t.Fatal(err)
		}
		got, err := r.ReadString('\n')
		if err != nil || got != line {
			t.Fatalf("line %d: got %d bytes (%v), want %d", i, len(got), err, len(line))
		}
		if el := time.Since(start); el < rtt {
			t.Errorf("line %d came back after %s, less than the round trip %s", i, el, rtt)
		}
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
