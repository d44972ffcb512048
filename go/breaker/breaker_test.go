package breaker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// clock is a manual clock for the state machine tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// ctxWithin returns a context whose deadline is d after the clock's now.
// The clock is fake, so the context's own timer is irrelevant: the breaker
// only reads the deadline.
func ctxWithin(t *testing.T, c *clock, d time.Duration) context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), c.Now().Add(d))
	t.Cleanup(cancel)
	return ctx
}

// call admits a call, lets it take d, and reports err.
func call(t *testing.T, b *Breaker, c *clock, ctx context.Context, d time.Duration, err error) error {
	t.Helper()
	tk, aerr := b.Allow(ctx)
	if aerr != nil {
		return aerr
	}
	c.Advance(d)
	tk.Done(err)
	return nil
}

type recorder struct {
	mu          sync.Mutex
	transitions []string
	decisions   []Decision
}

func (r *recorder) ObserveDecision(d Decision) {
	r.mu.Lock()
	r.decisions = append(r.decisions, d)
	r.mu.Unlock()
}
func (r *recorder) ObserveOutcome(time.Duration, bool) {}
func (r *recorder) ObserveStateChange(from, to State) {
	r.mu.Lock()
	r.transitions = append(r.transitions, from.String()+"->"+to.String())
	r.mu.Unlock()
}

func newTestBreaker(c *clock, obs Observer) *Breaker {
	return New(Config{Now: c.Now, Observer: obs, MinCalls: 10, Probes: 2, OpenFor: time.Second})
}

var errBackend = errors.New("backend failed")

func TestTripsAndRecovers(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	rec := &recorder{}
	b := newTestBreaker(c, rec)
	bg := context.Background()
	for i := 0; i < 10; i++ {
		call(t, b, c, bg, time.Millisecond, nil)
	}
	for i := 0; i < 9; i++ {
		call(t, b, c, bg, time.Millisecond, errBackend)
	}
	if b.State() != Closed {
		t.Fatalf("state %v after 9/19 failures, want closed", b.State())
	}
	call(t, b, c, bg, time.Millisecond, errBackend) // 10/20: ratio reached
	if b.State() != Open {
		t.Fatalf("state %v after 10/20 failures, want open", b.State())
	}
	if err := call(t, b, c, bg, time.Millisecond, nil); !errors.Is(err, ErrOpen) {
		t.Fatalf("open breaker admitted a call: %v", err)
	}
	c.Advance(time.Second)
	// Half-open: two probes at once, a third is refused.
	t1, err1 := b.Allow(bg)
	t2, err2 := b.Allow(bg)
	_, err3 := b.Allow(bg)
	if err1 != nil || err2 != nil || !errors.Is(err3, ErrOpen) {
		t.Fatalf("half-open admitted %v %v %v, want two probes then ErrOpen", err1, err2, err3)
	}
	t1.Done(nil)
	t2.Done(nil)
	if b.State() != Closed {
		t.Fatalf("state %v after two good probes, want closed", b.State())
	}
	want := []string{"closed->open", "open->half-open", "half-open->closed"}
	if len(rec.transitions) != len(want) {
		t.Fatalf("transitions %v, want %v", rec.transitions, want)
	}
	for i := range want {
		if rec.transitions[i] != want[i] {
			t.Fatalf("transitions %v, want %v", rec.transitions, want)
		}
	}
}

func TestFailedProbeReopens(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newTestBreaker(c, nil)
	bg := context.Background()
	for i := 0; i < 10; i++ {
		call(t, b, c, bg, time.Millisecond, errBackend)
	}
	if b.State() != Open {
		t.Fatal("did not trip")
	}
	c.Advance(time.Second)
	call(t, b, c, bg, time.Millisecond, errBackend)
	if b.State() != Open {
		t.Fatalf("state %v after a failed probe, want open", b.State())
	}
	if err := call(t, b, c, bg, time.Millisecond, nil); !errors.Is(err, ErrOpen) {
		t.Fatalf("reopened breaker admitted a call: %v", err)
	}
}

func TestWindowForgetsOldFailures(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newTestBreaker(c, nil)
	bg := context.Background()
	for i := 0; i < 9; i++ {
		call(t, b, c, bg, time.Millisecond, errBackend)
	}
	c.Advance(11 * time.Second) // the window is 10 s
	for i := 0; i < 10; i++ {
		call(t, b, c, bg, time.Millisecond, nil)
	}
	call(t, b, c, bg, time.Millisecond, errBackend)
	if b.State() != Closed {
		t.Fatalf("state %v: failures older than the window still counted", b.State())
	}
}

func TestCanceledCallsAreNotFailures(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newTestBreaker(c, nil)
	for i := 0; i < 30; i++ {
		call(t, b, c, context.Background(), time.Millisecond, context.Canceled)
	}
	if b.State() != Closed {
		t.Fatal("calls the caller canceled opened the breaker")
	}
}

func TestRejectsDeadlineShorterThanExpected(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newTestBreaker(c, nil)
	for i := 0; i < 50; i++ {
		call(t, b, c, context.Background(), 100*time.Millisecond, nil)
	}
	exp := b.Expected()
	if exp < 100*time.Millisecond || exp > 110*time.Millisecond {
		t.Fatalf("expected duration %v after steady 100ms calls", exp)
	}
	if err := call(t, b, c, ctxWithin(t, c, exp-time.Millisecond), 0, nil); !errors.Is(err, ErrDeadlineTooShort) {
		t.Fatalf("deadline shorter than expected: %v, want ErrDeadlineTooShort", err)
	}
	if err := call(t, b, c, ctxWithin(t, c, -time.Second), 0, nil); !errors.Is(err, ErrDeadlineTooShort) {
		t.Fatalf("expired deadline: %v", err)
	}
	// 300 ms left covers 100 ms and the threshold (base 1s × 0.3) allows it.
	if err := call(t, b, c, ctxWithin(t, c, 300*time.Millisecond), 100*time.Millisecond, nil); err != nil {
		t.Fatalf("deadline that covers the call rejected: %v", err)
	}
	if b.State() != Closed {
		t.Fatal("rejections opened the breaker")
	}
}

func TestThresholdCouplesDeadline(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newTestBreaker(c, nil)
	for i := 0; i < 50; i++ {
		call(t, b, c, context.Background(), 60*time.Millisecond, nil)
	}
	// 150 ms left would cover a 60 ms call, but under 200 ms the threshold
	// is the 50 ms floor: the call is refused rather than started.
	if err := call(t, b, c, ctxWithin(t, c, 150*time.Millisecond), 0, nil); !errors.Is(err, ErrOverThreshold) {
		t.Fatalf("got %v, want ErrOverThreshold", err)
	}
}

func TestSlowCallIsAFailure(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := New(Config{Now: c.Now, MinCalls: 1, FailureRatio: 1, BaseThreshold: 200 * time.Millisecond})
	// 1 s left: threshold 200 ms. The call succeeds within its deadline but
	// takes 300 ms, longer than the threshold: it counts as a failure.
	call(t, b, c, ctxWithin(t, c, time.Second), 300*time.Millisecond, nil)
	if b.State() != Open {
		t.Fatalf("state %v after a call slower than its threshold, want open", b.State())
	}
}

func TestDeadlinePolicy(t *testing.T) {
	p := DeadlinePolicy{}
	ms := time.Millisecond
	cases := []struct {
		remaining, base, want time.Duration
		hasDeadline           bool
	}{
		{150 * ms, time.Second, 50 * ms, true},  // under the cutoff: the floor
		{200 * ms, time.Second, 200 * ms, true}, // 1000 × 200/1000
		{500 * ms, 400 * ms, 200 * ms, true},    // 400 × 500/1000
		{300 * ms, 100 * ms, 50 * ms, true},     // 30 ms, raised to the floor
		{10 * time.Second, time.Second, 10 * time.Second, true},
		{0, 300 * ms, 300 * ms, false},                 // no deadline: base
		{time.Hour, time.Hour, time.Hour * 3600, true}, // no overflow
	}
	for _, tc := range cases {
		if got := p.Threshold(tc.remaining, tc.hasDeadline, tc.base); got != tc.want {
			t.Errorf("Threshold(%v, %v, %v) = %v, want %v", tc.remaining, tc.hasDeadline, tc.base, got, tc.want)
		}
	}
}

func TestCustomPolicy(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	strict := PolicyFunc(func(time.Duration, bool, time.Duration) time.Duration { return time.Millisecond })
	b := New(Config{Now: c.Now, Policy: strict})
	call(t, b, c, context.Background(), 5*time.Millisecond, nil)
	if err := call(t, b, c, context.Background(), 0, nil); !errors.Is(err, ErrOverThreshold) {
		t.Fatalf("custom policy ignored: %v", err)
	}
}

func TestDoCountsPanicAsFailure(t *testing.T) {
	b := New(Config{MinCalls: 1, FailureRatio: 1})
	func() {
		defer func() { recover() }()
		b.Do(context.Background(), func(context.Context) error { panic("x") })
	}()
	if b.State() != Open {
		t.Fatalf("state %v after a panicking call, want open", b.State())
	}
}

func TestDecisionObserved(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	rec := &recorder{}
	b := New(Config{Now: c.Now, Observer: rec, BaseThreshold: 500 * time.Millisecond})
	call(t, b, c, ctxWithin(t, c, 2*time.Second), 0, nil)
	d := rec.decisions[0]
	if !d.HasDeadline || d.Remaining != 2*time.Second || d.Threshold != time.Second || d.CouplingRatio() != 4 || d.Rejected != nil {
		t.Fatalf("decision %+v", d)
	}
}

func TestAllowDoesNotAllocate(t *testing.T) {
	b := New(Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	allocs := testing.AllocsPerRun(1000, func() {
		tk, err := b.Allow(ctx)
		if err == nil {
			tk.Done(nil)
		}
	})
	if allocs != 0 {
		t.Fatalf("Allow+Done allocates %v times", allocs)
	}
}

func TestExpectedIsNinetiethPercentile(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := New(Config{Now: c.Now})
	// 32 calls of 1..32 ms in shuffled order: the 90th percentile is 29 ms
	// (index round(0.9 × 31) = 28 of the sorted values).
	for i := 0; i < 32; i++ {
		call(t, b, c, context.Background(), time.Duration((i*7)%32+1)*time.Millisecond, nil)
	}
	if got := b.Expected(); got != 29*time.Millisecond {
		t.Fatalf("Expected() = %v, want 29ms", got)
	}
	// One outlier does not move it much; an idle window resets it.
	call(t, b, c, context.Background(), time.Second, nil)
	if got := b.Expected(); got > 32*time.Millisecond {
		t.Fatalf("one outlier raised Expected() to %v", got)
	}
	c.Advance(11 * time.Second)
	if got := b.Expected(); got != 0 {
		t.Fatalf("Expected() = %v after an idle window, want InitialExpected (0)", got)
	}
}
