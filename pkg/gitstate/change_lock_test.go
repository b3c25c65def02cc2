package gitstate

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// Two processes changing the same cache clone take turns: the second waits
// for the lock, then fetches the first one's commit and builds on it.
func TestChangeSerialisedByTheLock(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	cache := t.TempDir()
	a := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache})
	b := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache})
	if a.Root != b.Root {
		t.Fatalf("two clones %s and %s", a.Root, b.Root)
	}
	aInside, bWaiting, bDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once sync.Once
	b.onLockWait = func() { once.Do(func() { close(bWaiting) }) }

	var resA, resB *ChangeResult
	var errA, errB error
	sawA := false
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		resA, errA = a.Change(context.Background(), func(string) (map[string][]byte, error) {
			close(aInside)
			select { // hold the clone until b is blocked on it (or, without a lock, done)
			case <-bWaiting:
			case <-bDone:
			}
			return map[string][]byte{"fabrics/lab/a.yaml": []byte(vpc("a"))}, nil
		}, pushOpts())
	}()
	<-aInside
	go func() {
		defer wg.Done()
		defer close(bDone)
		resB, errB = b.Change(context.Background(), func(root string) (map[string][]byte, error) {
			sawA = exists(filepath.Join(root, "fabrics/lab/a.yaml"))
			return map[string][]byte{"fabrics/lab/b.yaml": []byte(vpc("b"))}, nil
		}, pushOpts())
	}()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("a: %v, b: %v", errA, errB)
	}
	if !sawA || resA.Replays != 0 || resB.Replays != 0 {
		t.Errorf("b should have run after a's push: b saw a's file %v, replays %d and %d", sawA, resA.Replays, resB.Replays)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main", "main^"); got != resB.Commit+"\n"+resA.Commit {
		t.Errorf("the remote's last two commits are %s, want b's %s on a's %s", got, resB.Commit, resA.Commit)
	}
	assertCleanAt(t, b, remote)
}
