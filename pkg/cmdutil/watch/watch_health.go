package watch

import (
	"context"
	"math"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
)

// Health sets how a watch notices a lost cluster or Git remote and how it
// retries. Zero fields take the defaults (DefaultHealth): a dead or hung
// API server is noticed within ProbeInterval + ProbeTimeout (15 s), a
// failing list or watch at once, a lost Git remote at the next fetch.
type Health struct {
	// ProbeInterval is how often the API server is asked for /readyz.
	ProbeInterval time.Duration
	// ProbeTimeout bounds one probe.
	ProbeTimeout time.Duration
	// StartTimeout bounds the informers' first listing.
	StartTimeout time.Duration
	// RetryMin and RetryMax bound the exponential backoff between attempts
	// to watch a lost cluster again, or to fetch a lost Git remote (there
	// at most the Git poll interval).
	RetryMin, RetryMax time.Duration
	// GitTimeout bounds one Git fetch and read, after the first (which may
	// be a clone).
	GitTimeout time.Duration
}

// DefaultHealth is the Health of `drift --watch` and `sync --watch`.
var DefaultHealth = Health{
	ProbeInterval: 10 * time.Second,
	ProbeTimeout:  5 * time.Second,
	StartTimeout:  60 * time.Second,
	RetryMin:      time.Second,
	RetryMax:      30 * time.Second,
	GitTimeout:    20 * time.Second,
}

func (h Health) withDefaults() Health {
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&h.ProbeInterval, DefaultHealth.ProbeInterval)
	set(&h.ProbeTimeout, DefaultHealth.ProbeTimeout)
	set(&h.StartTimeout, DefaultHealth.StartTimeout)
	set(&h.RetryMin, DefaultHealth.RetryMin)
	set(&h.RetryMax, DefaultHealth.RetryMax)
	set(&h.GitTimeout, DefaultHealth.GitTimeout)
	return h
}

// backoff is the delay sequence of retries: from lo, doubling, at most hi,
// with 10% jitter.
func backoff(lo, hi time.Duration) *wait.Backoff {
	if hi < lo {
		hi = lo
	}
	return &wait.Backoff{Duration: lo, Factor: 2, Jitter: 0.1, Steps: math.MaxInt32, Cap: hi}
}

// clusterSession is one watch of a fabric's cluster: informers plus a
// periodic probe. lost receives the first failure of either.
type clusterSession struct {
	watching *clusterstate.Watching
	// versions reads objects' resourceVersions from the server.
	versions versionOf
	events   chan clusterstate.Event
	lost     chan error
	cancel   context.CancelFunc
	probing  sync.WaitGroup
}

// connect probes the cluster, resolves the served versions of the kinds
// and starts the informers; on failure nothing is left running.
func (w *Watcher) connect(ctx context.Context, r *clusterstate.Reader, h Health) (*clusterSession, error) {
	if err := r.Probe(ctx, h.ProbeTimeout); err != nil {
		return nil, err
	}
	ks, err := r.Resolve(ctx, w.Kinds)
	if err != nil {
		return nil, err
	}
	// No server-side selector: -l keeps an object when its Git copy or its
	// cluster copy matches (fabricWatch.view), as the one-shot commands do.
	sel := ""
	sctx, cancel := context.WithCancel(ctx)
	s := &clusterSession{versions: serverVersions(r, ks), events: make(chan clusterstate.Event, 256), lost: make(chan error, 1), cancel: cancel}
	s.watching, err = r.StartWatch(sctx, ks, s.events, clusterstate.WatchOptions{Selector: sel, SyncTimeout: h.StartTimeout, OnError: s.fail})
	if err != nil {
		cancel()
		return nil, err
	}
	s.probing.Add(1)
	go s.probe(sctx, r, h)
	return s, nil
}

// fail records the first failure of the session.
func (s *clusterSession) fail(err error) {
	select {
	case s.lost <- err:
	default:
	}
}

// probe asks the API server for readiness every ProbeInterval, so that a
// dead server is noticed even while a watch stream hangs.
func (s *clusterSession) probe(ctx context.Context, r *clusterstate.Reader, h Health) {
	defer s.probing.Done()
	t := time.NewTicker(h.ProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.Probe(ctx, h.ProbeTimeout); err != nil && ctx.Err() == nil {
				s.fail(err)
				return
			}
		}
	}
}

// stop ends the informers and the probe, and waits for them.
func (s *clusterSession) stop() {
	s.cancel()
	s.watching.Stop()
	s.probing.Wait()
}
