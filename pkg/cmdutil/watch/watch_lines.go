package watch

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// The types of the lines --watch prints (the "type" field with -o json).
const (
	// TypeStatusChanged: an object's status changed (a Change).
	TypeStatusChanged = "StatusChanged"
	// TypeClusterUnreachable: the fabric's cluster cannot be watched; the
	// statuses stand still until TypeClusterReachable.
	TypeClusterUnreachable = "ClusterUnreachable"
	// TypeClusterReachable: the cluster is watched again, and every status
	// has been compared again.
	TypeClusterReachable = "ClusterReachable"
	// TypeGitUnreachable: the fabric's Git remote cannot be fetched; the
	// last Git state read stays the desired state until TypeGitReachable.
	TypeGitUnreachable = "GitUnreachable"
	// TypeGitReachable: Git was fetched again.
	TypeGitReachable = "GitReachable"
	// TypeDeployerChanged: the fabric's deployment pipeline (a
	// DeployerChange): first seen, or changed.
	TypeDeployerChanged = "DeployerChanged"
)

// Reachability reports that a fabric's cluster or Git remote was lost or
// is back (a JSON line with -o json).
type Reachability struct {
	Time   time.Time `json:"time"`
	Type   string    `json:"type"`
	Fabric string    `json:"fabric"`
	// Error says why, for the Unreachable types.
	Error string `json:"error,omitempty"`
}

// Text is the reachability as words: "cluster unreachable: ... (retrying)".
func (r Reachability) Text() string {
	switch r.Type {
	case TypeClusterUnreachable:
		return "cluster unreachable: " + r.Error + " (retrying)"
	case TypeClusterReachable:
		return "cluster reachable again"
	case TypeGitUnreachable:
		return "Git unreachable: " + r.Error + " (retrying)"
	case TypeGitReachable:
		return "Git reachable again"
	}
	return r.Type
}

// LineWriter prints --watch's lines (or JSON lines), one per call, from
// several goroutines.
type LineWriter struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
}

// NewLineWriter returns a LineWriter printing to w, as JSON lines when
// jsonLines is set.
func NewLineWriter(w io.Writer, jsonLines bool) *LineWriter {
	return &LineWriter{w: w, json: jsonLines}
}

// Change prints a status change.
func (lw *LineWriter) Change(c Change) {
	if lw.json {
		lw.writeJSON(c)
		return
	}
	prev := string(c.Previous)
	if prev == "" {
		prev = "(new)"
	} else if c.PreviousPendingDeploy {
		prev += " (pendingDeploy)"
	}
	status := string(c.Status)
	if c.PendingDeploy {
		status += " (pendingDeploy)"
	}
	line := fmt.Sprintf("%s %s %s %s/%s: %s → %s", c.Time.UTC().Format(time.RFC3339), c.Fabric, c.Kind, c.Namespace, c.Name, prev, status)
	if len(c.Diffs) > 0 {
		var parts []string
		for _, d := range c.Diffs {
			parts = append(parts, d.Path)
		}
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	lw.writeLine(line)
}

// Deployer prints a new state of a fabric's pipeline; text is it in
// words ("Git 8ea6e54, Flux flux-system/lab applied 3a1c0d2 (1 commit
// behind), Ready=True"), printed as "<time> <fabric> deployer: <text>".
func (lw *LineWriter) Deployer(c DeployerChange, text string) {
	if lw.json {
		lw.writeJSON(c)
		return
	}
	lw.writeLine(fmt.Sprintf("%s %s deployer: %s", c.Time.UTC().Format(time.RFC3339), c.Fabric, text))
}

// Reachability prints a lost or recovered cluster or Git remote.
func (lw *LineWriter) Reachability(r Reachability) {
	if lw.json {
		lw.writeJSON(r)
		return
	}
	lw.writeLine(fmt.Sprintf("%s %s %s", r.Time.UTC().Format(time.RFC3339), r.Fabric, r.Text()))
}

func (lw *LineWriter) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	lw.writeLine(string(b))
}

func (lw *LineWriter) writeLine(s string) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	fmt.Fprintln(lw.w, s)
}
