package breaker

import (
	"context"
	"errors"
	"sync"
	"time"
)

// State is the state of a breaker.
type State int32

const (
	// Closed: calls are admitted and their outcomes counted.
	Closed State = iota
	// Open: every call is rejected until Config.OpenFor has passed.
	Open
	// HalfOpen: a few probe calls are admitted; their outcomes decide
	// whether the breaker closes or opens again.
	HalfOpen
)

func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return "unknown"
}

// The errors Allow and Do return for a rejected call. The call was not
// started and its outcome is not counted.
var (
	// ErrOpen: the breaker is open, or half-open with all probes in flight.
	ErrOpen = errors.New("breaker: circuit open")
	// ErrDeadlineTooShort: the caller's remaining deadline is shorter than
	// the expected duration of the call.
	ErrDeadlineTooShort = errors.New("breaker: remaining deadline shorter than the expected call")
	// ErrOverThreshold: the expected duration of the call exceeds the
	// dynamic threshold the policy allows for the caller's deadline.
	ErrOverThreshold = errors.New("breaker: expected call duration over the dynamic threshold")
)

// Config configures a [Breaker]. The zero value of each field selects its
// default.
type Config struct {
	// Window is the span over which failures are counted (default 10s),
	// in Buckets slices (default 10).
	Window  time.Duration
	Buckets int
	// FailureRatio opens the breaker when at least MinCalls calls finished
	// in the window and this fraction of them failed (default 0.5, at least
	// 20 calls).
	FailureRatio float64
	MinCalls     int
	// OpenFor is how long the breaker stays open before it lets probes
	// through (default 5s).
	OpenFor time.Duration
	// Probes is how many calls half-open admits at once, and how many
	// must succeed in a row to close the breaker (default 5). One failed
	// probe opens it again.
	Probes int
	// BaseThreshold is the healthy duration of a call given one Scale of
	// deadline (default 1s); the policy scales it by the remaining deadline.
	BaseThreshold time.Duration
	// InitialExpected is the expected call duration assumed until the first
	// call succeeds, and again when none has succeeded for a whole Window
	// (default 0: no call is rejected for its deadline before the breaker
	// has seen one).
	InitialExpected time.Duration
	// Policy computes the dynamic threshold (default DeadlinePolicy{}).
	Policy Policy
	// Observer receives decisions, outcomes and state changes (default: none).
	Observer Observer
	// IsFailure reports whether an error returned by a call counts as a
	// failure. The default counts every non-nil error except
	// context.Canceled (the caller gave up; the dependency did not fail).
	IsFailure func(error) bool
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time
}

// Breaker is a circuit breaker whose admission decision takes the caller's
// deadline into account. It is safe for concurrent use.
type Breaker struct {
	cfg      Config
	policy   Policy
	observer Observer
	epoch    time.Time

	mu        sync.Mutex
	state     State
	gen       uint64 // incremented on every transition
	win       window
	openUntil int64 // nanoseconds since epoch
	inflight  int   // half-open probes in flight
	successes int   // consecutive half-open successes
	latency   latencyEstimate
}

// New returns a closed breaker.
func New(cfg Config) *Breaker {
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Second
	}
	if cfg.Buckets <= 0 {
		cfg.Buckets = 10
	}
	if cfg.FailureRatio <= 0 {
		cfg.FailureRatio = 0.5
	}
	if cfg.MinCalls <= 0 {
		cfg.MinCalls = 20
	}
	if cfg.OpenFor <= 0 {
		cfg.OpenFor = 5 * time.Second
	}
	if cfg.Probes <= 0 {
		cfg.Probes = 5
	}
	if cfg.BaseThreshold <= 0 {
		cfg.BaseThreshold = time.Second
	}
	if cfg.IsFailure == nil {
		cfg.IsFailure = func(err error) bool { return err != nil && !errors.Is(err, context.Canceled) }
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b := &Breaker{cfg: cfg, policy: cfg.Policy, observer: cfg.Observer}
	if b.policy == nil {
		b.policy = DeadlinePolicy{}
	}
	if b.observer == nil {
		b.observer = nopObserver{}
	}
	b.epoch = cfg.Now()
	b.win = newWindow(int64(cfg.Window), cfg.Buckets)
	b.latency.initial = cfg.InitialExpected
	b.latency.maxAge = int64(cfg.Window)
	return b
}

// State returns the breaker's current state.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// Expected returns the current estimate of a successful call's duration.
func (b *Breaker) Expected() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.latency.expected(int64(b.cfg.Now().Sub(b.epoch)))
}

// Ticket is an admitted call. Its Done must be called exactly once, with the
// call's result.
type Ticket struct {
	b         *Breaker
	start     int64
	threshold time.Duration
	gen       uint64
	probe     bool
}

// Allow decides whether a call with ctx may start now. It returns a Ticket
// to report the outcome to, or one of ErrOpen, ErrDeadlineTooShort and
// ErrOverThreshold. Allow does not allocate.
func (b *Breaker) Allow(ctx context.Context) (Ticket, error) {
	now := b.cfg.Now()
	at := int64(now.Sub(b.epoch))
	d := Decision{Base: b.cfg.BaseThreshold}
	if deadline, ok := ctx.Deadline(); ok {
		d.HasDeadline, d.Remaining = true, deadline.Sub(now)
	}
	d.Threshold = b.policy.Threshold(d.Remaining, d.HasDeadline, d.Base)

	b.mu.Lock()
	from, changed := b.state, false
	b.win.advance(at)
	if b.state == Open && at >= b.openUntil {
		b.transition(HalfOpen)
		changed = true
	}
	d.State = b.state
	d.Expected = b.latency.expected(at)
	switch {
	case b.state == Open || (b.state == HalfOpen && b.inflight >= b.cfg.Probes):
		d.Rejected = ErrOpen
	case d.HasDeadline && d.Remaining < max(d.Expected, 1):
		// A deadline already passed is covered too: Remaining <= 0.
		d.Rejected = ErrDeadlineTooShort
	case d.Expected > d.Threshold:
		d.Rejected = ErrOverThreshold
	}
	t := Ticket{b: b, start: at, threshold: d.Threshold, gen: b.gen}
	if d.Rejected == nil && b.state == HalfOpen {
		b.inflight++
		t.probe = true
	}
	b.mu.Unlock()

	if changed {
		b.observer.ObserveStateChange(from, HalfOpen)
	}
	b.observer.ObserveDecision(d)
	if d.Rejected != nil {
		return Ticket{}, d.Rejected
	}
	return t, nil
}

// Done reports the result of the call. A call counts as failed when
// Config.IsFailure(err) or when it took longer than its dynamic threshold.
func (t Ticket) Done(err error) {
	b := t.b
	if b == nil {
		return
	}
	at := int64(b.cfg.Now().Sub(b.epoch))
	latency := time.Duration(at - t.start)
	failed := b.cfg.IsFailure(err) || latency > t.threshold

	b.mu.Lock()
	from := b.state
	b.win.advance(at)
	if err == nil {
		b.latency.add(latency, at)
	}
	if t.gen == b.gen {
		switch b.state {
		case Closed:
			b.win.add(failed)
			if b.win.calls >= b.cfg.MinCalls &&
				float64(b.win.failures) >= b.cfg.FailureRatio*float64(b.win.calls) {
				b.trip(at)
			}
		case HalfOpen:
			if t.probe {
				b.inflight--
				if failed {
					b.trip(at)
				} else if b.successes++; b.successes >= b.cfg.Probes {
					b.transition(Closed)
				}
			}
		}
	}
	to := b.state
	b.mu.Unlock()

	b.observer.ObserveOutcome(latency, failed)
	if to != from {
		b.observer.ObserveStateChange(from, to)
	}
}

// Do runs f if Allow admits it and reports its result. A panic in f is
// counted as a failure and then continues.
func (b *Breaker) Do(ctx context.Context, f func(ctx context.Context) error) (err error) {
	t, err := b.Allow(ctx)
	if err != nil {
		return err
	}
	finished := false
	defer func() {
		if !finished {
			t.Done(errPanicked)
		}
	}()
	err = f(ctx)
	finished = true
	t.Done(err)
	return err
}

var errPanicked = errors.New("breaker: call panicked")

// trip opens the breaker. b.mu is held.
func (b *Breaker) trip(at int64) {
	b.transition(Open)
	b.openUntil = at + int64(b.cfg.OpenFor)
}

// transition moves to state s and starts it afresh. b.mu is held.
func (b *Breaker) transition(s State) {
	b.state = s
	b.gen++
	b.inflight, b.successes = 0, 0
	if s == Closed {
		b.win.reset()
	}
}
