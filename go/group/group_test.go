package group

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// settledGoroutines waits until the goroutine count drops to want (the
// goroutines joined by Wait have returned from their last deferred call but
// may not have been reaped yet) and returns the final count. The grace is
// short: a goroutine that is really left running never gets there.
func settledGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && n > want; i++ {
		time.Sleep(time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func TestWaitJoinsEveryGoroutine(t *testing.T) {
	base := runtime.NumGoroutine()
	for run := 0; run < 200; run++ {
		var finished atomic.Int32
		g := New(context.Background(), WithLimit(1+run%5))
		for i := 0; i < 20; i++ {
			g.Go(func(ctx context.Context) error {
				defer finished.Add(1)
				// The first function fails (or panics); the others either
				// wait for the cancellation it causes or finish at once.
				// (Under a limit the failure must come first: functions
				// waiting for a cancellation would otherwise hold every slot.)
				switch {
				case i == 0 && run%2 == 0:
					panic("kaboom")
				case i == 0:
					return errors.New("boom")
				case i%2 == 0:
					<-ctx.Done()
					return ctx.Err()
				}
				return nil
			})
		}
		if err := g.Wait(); err == nil {
			t.Fatalf("run %d: Wait returned nil, want the first failure", run)
		}
		// Every function that was started has returned by the time Wait
		// does; none is still running user code.
		if got := finished.Load(); got == 0 || got > 20 {
			t.Fatalf("run %d: %d functions finished", run, got)
		}
	}
	if n := settledGoroutines(base); n > base {
		t.Fatalf("goroutines after 200 groups: %d, before: %d", n, base)
	}
}

func TestWaitWaitsForSlowFunctions(t *testing.T) {
	base := runtime.NumGoroutine()
	var done atomic.Bool
	g := New(context.Background())
	g.Go(func(ctx context.Context) error { return errors.New("fast failure") })
	g.Go(func(ctx context.Context) error {
		// Ignores cancellation for a while: Wait must still wait.
		time.Sleep(30 * time.Millisecond)
		done.Store(true)
		return nil
	})
	if err := g.Wait(); err == nil || err.Error() != "fast failure" {
		t.Fatalf("Wait = %v, want fast failure", err)
	}
	if !done.Load() {
		t.Fatal("Wait returned before the slow function did")
	}
	if n := settledGoroutines(base); n > base {
		t.Fatalf("goroutines after Wait: %d, before: %d", n, base)
	}
}

func TestFirstErrorCancelsContextWithCause(t *testing.T) {
	boom := errors.New("boom")
	g := New(context.Background())
	g.Go(func(ctx context.Context) error { return boom })
	g.Go(func(ctx context.Context) error {
		<-ctx.Done()
		if !errors.Is(context.Cause(ctx), boom) {
			t.Errorf("cause = %v, want boom", context.Cause(ctx))
		}
		return ctx.Err()
	})
	if err := g.Wait(); !errors.Is(err, boom) {
		t.Fatalf("Wait = %v, want boom (the first failure, not the sibling's ctx.Err)", err)
	}
}

func TestSuccessReturnsNilAndCancelsAfterWait(t *testing.T) {
	g := New(context.Background())
	var n atomic.Int32
	for i := 0; i < 10; i++ {
		g.Go(func(ctx context.Context) error {
			if ctx.Err() != nil {
				t.Error("context canceled while the group was running")
			}
			n.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 10 {
		t.Fatalf("%d functions ran, want 10", n.Load())
	}
	if g.Context().Err() == nil {
		t.Fatal("group context still live after Wait")
	}
}

func TestPanicBecomesError(t *testing.T) {
	g := New(context.Background())
	g.Go(func(ctx context.Context) error { panicHere(); return nil })
	err := g.Wait()
	var p *PanicError
	if !errors.As(err, &p) {
		t.Fatalf("Wait = %v (%T), want *PanicError", err, err)
	}
	if p.Value != "deliberate" {
		t.Fatalf("panic value = %v", p.Value)
	}
	if !strings.Contains(string(p.Stack), "panicHere") {
		t.Fatalf("stack does not show the panicking function:\n%s", p.Stack)
	}
	if !strings.Contains(err.Error(), "deliberate") {
		t.Fatalf("message %q does not carry the value", err)
	}
}

func panicHere() { panic("deliberate") }

func TestPanicWithErrorUnwraps(t *testing.T) {
	sentinel := errors.New("sentinel")
	g := New(context.Background())
	g.Go(func(ctx context.Context) error { panic(sentinel) })
	err := g.Wait()
	if !errors.Is(err, sentinel) {
		t.Fatalf("errors.Is(%v, sentinel) = false", err)
	}
}

func TestGoexitIsAFailure(t *testing.T) {
	g := New(context.Background())
	g.Go(func(ctx context.Context) error { runtime.Goexit(); return nil })
	if err := g.Wait(); !errors.Is(err, ErrGoexit) {
		t.Fatalf("Wait = %v, want ErrGoexit", err)
	}
}

func TestParentCancelReachesFunctions(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	g := New(parent)
	started := make(chan struct{})
	g.Go(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	<-started
	cancel()
	if err := g.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
}

func TestLimitBoundsConcurrency(t *testing.T) {
	const limit = 3
	var running, peak atomic.Int32
	g := New(context.Background(), WithLimit(limit))
	for i := 0; i < 30; i++ {
		g.Go(func(ctx context.Context) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != limit {
		t.Fatalf("peak concurrency %d, want %d", p, limit)
	}
}

func TestLimitedGoStopsWaitingWhenCanceled(t *testing.T) {
	boom := errors.New("boom")
	g := New(context.Background(), WithLimit(1))
	release := make(chan struct{})
	g.Go(func(ctx context.Context) error { <-release; return boom })
	var ran atomic.Bool
	go func() { time.Sleep(5 * time.Millisecond); close(release) }()
	// Blocks for the slot; the holder fails, which cancels the group. The
	// slot may be freed at the same moment, so f may or may not run, but
	// Go returns and Wait reports the first failure.
	g.Go(func(ctx context.Context) error { ran.Store(true); return nil })
	if err := g.Wait(); !errors.Is(err, boom) {
		t.Fatalf("Wait = %v, want boom", err)
	}
}

func TestLimitedGoOnCanceledGroupDoesNotRun(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	cancel()
	g := New(parent, WithLimit(1))
	hold := make(chan struct{})
	g.Go(func(ctx context.Context) error { <-hold; return nil })
	ran := false
	done := make(chan struct{})
	go func() {
		g.Go(func(ctx context.Context) error { ran = true; return nil })
		close(done)
	}()
	<-done // Go returned without the slot: the group is canceled
	close(hold)
	if err := g.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if ran {
		t.Fatal("function ran although the group was canceled before it got a slot")
	}
}

func TestTryGo(t *testing.T) {
	g := New(context.Background(), WithLimit(1))
	hold := make(chan struct{})
	if !g.TryGo(func(ctx context.Context) error { <-hold; return nil }) {
		t.Fatal("TryGo refused with a free slot")
	}
	if g.TryGo(func(ctx context.Context) error { return nil }) {
		t.Fatal("TryGo ran a function beyond the limit")
	}
	close(hold)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentGoAndFailures(t *testing.T) {
	base := runtime.NumGoroutine()
	g := New(context.Background(), WithLimit(4))
	var starters sync.WaitGroup
	for s := 0; s < 4; s++ {
		starters.Add(1)
		go func() {
			defer starters.Done()
			for i := 0; i < 50; i++ {
				g.Go(func(ctx context.Context) error {
					if i == 25 {
						return errors.New("fail")
					}
					return nil
				})
			}
		}()
	}
	starters.Wait()
	if err := g.Wait(); err == nil {
		t.Fatal("Wait = nil, want a failure")
	}
	if n := settledGoroutines(base); n > base {
		t.Fatalf("goroutines after Wait: %d, before: %d", n, base)
	}
}
