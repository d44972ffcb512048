package breaker

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flakyBackend answers in 2–4 ms, honours its caller's context, and fails
// 80% of calls while failing is set. It is a function, not a server: the
// load test stays in memory.
type flakyBackend struct{ failing atomic.Bool }

const backendMin = 2 * time.Millisecond

func (fb *flakyBackend) call(ctx context.Context) error {
	d := backendMin + time.Duration(rand.Int64N(int64(2*time.Millisecond)))
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	if fb.failing.Load() && rand.IntN(10) < 8 {
		return errors.New("backend: 503")
	}
	return nil
}

// loadObserver checks every admission as it happens.
type loadObserver struct {
	start          time.Time
	admitted       atomic.Int64
	uncovered      atomic.Int64 // admitted with less time left than the call needs
	openedAt       atomic.Int64 // ns since start of the first closed->open, 0 if none
	closedAt       atomic.Int64 // ns since start of the last half-open->closed
	mu             sync.Mutex
	rejectedByKind map[error]int
}

func (o *loadObserver) ObserveDecision(d Decision) {
	if d.Rejected != nil {
		o.mu.Lock()
		o.rejectedByKind[d.Rejected]++
		o.mu.Unlock()
		return
	}
	o.admitted.Add(1)
	// The backend never answers in under backendMin; a call admitted with
	// less time left, or with less than the breaker's own estimate, is one
	// the deadline could not cover.
	if d.HasDeadline && (d.Remaining < backendMin || d.Remaining < d.Expected) {
		o.uncovered.Add(1)
	}
}

func (o *loadObserver) ObserveOutcome(time.Duration, bool) {}

func (o *loadObserver) ObserveStateChange(from, to State) {
	at := int64(time.Since(o.start))
	if from == Closed && to == Open {
		o.openedAt.CompareAndSwap(0, at)
	}
	if from == HalfOpen && to == Closed {
		o.closedAt.Store(at)
	}
}

// TestLoad drives 5,000 calls/s for 3 s against a backend that is healthy,
// then failing for a second, then healthy again, with deadlines from 0.5 ms
// to 40 ms. The breaker must trip while the backend fails, close again after
// it recovers, and never admit a call whose deadline cannot cover it.
func TestLoad(t *testing.T) {
	const (
		rate     = 5000
		duration = 3 * time.Second
	)
	fb := &flakyBackend{}
	obs := &loadObserver{start: time.Now(), rejectedByKind: map[error]int{}}
	b := New(Config{
		Window:          500 * time.Millisecond,
		MinCalls:        100,
		OpenFor:         200 * time.Millisecond,
		InitialExpected: backendMin,
		Observer:        obs,
	})

	var calls sync.WaitGroup
	var issued, succeededLate, deadlineMissed atomic.Int64
	start := obs.start
	ticker := time.NewTicker(time.Millisecond)
	defer ticker.Stop()
	for now := range ticker.C {
		elapsed := now.Sub(start)
		if elapsed >= duration {
			break
		}
		fb.failing.Store(elapsed >= time.Second && elapsed < 2*time.Second)
		// Issue what the rate owes by now, so a late tick does not lower it.
		for owed := int64(elapsed.Seconds()*rate) - issued.Load(); owed > 0; owed-- {
			issued.Add(1)
			calls.Add(1)
			go func() {
				defer calls.Done()
				budget := 500*time.Microsecond + time.Duration(rand.Int64N(int64(40*time.Millisecond)))
				ctx, cancel := context.WithTimeout(context.Background(), budget)
				defer cancel()
				err := b.Do(ctx, fb.call)
				if errors.Is(err, context.DeadlineExceeded) {
					deadlineMissed.Add(1)
				}
				if err == nil && time.Since(start) > duration-500*time.Millisecond {
					succeededLate.Add(1)
				}
			}()
		}
	}
	calls.Wait()

	elapsed := time.Since(start)
	t.Logf("%d calls in %v (%.0f/s): %d admitted, rejected %v, %d admitted calls missed their deadline anyway",
		issued.Load(), elapsed.Round(time.Millisecond), float64(issued.Load())/elapsed.Seconds(),
		obs.admitted.Load(), obs.rejectedByKind, deadlineMissed.Load())
	if got := issued.Load(); got < rate*int64(duration/time.Second)*9/10 {
		t.Fatalf("issued %d calls, want about %d", got, rate*3)
	}
	if n := obs.uncovered.Load(); n != 0 {
		t.Fatalf("%d calls admitted whose deadline could not cover them", n)
	}
	if obs.rejectedByKind[ErrDeadlineTooShort] == 0 {
		t.Fatal("no call rejected for its deadline (deadlines under 2 ms were offered)")
	}
	opened := time.Duration(obs.openedAt.Load())
	if opened < time.Second || opened > 2*time.Second {
		t.Fatalf("first trip at %v, want while the backend failed (1 s – 2 s)", opened)
	}
	closed := time.Duration(obs.closedAt.Load())
	if closed < 2*time.Second {
		t.Fatalf("last close at %v, want after the backend recovered (> 2 s)", closed)
	}
	// Recovered: closed again after the backend did, and serving at the
	// end. (The final state may be half-open or even open: on a loaded
	// machine an admitted call can still time out, and one failed probe
	// reopens the breaker.)
	if succeededLate.Load() == 0 {
		t.Fatalf("state %v, no success in the last 0.5 s: did not recover", b.State())
	}
	t.Logf("tripped at %v, closed again at %v, %v at the end", opened.Round(time.Millisecond), closed.Round(time.Millisecond), b.State())
}
