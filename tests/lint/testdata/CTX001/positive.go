package lostcancel

import (
	"context"
	"os"
	"os/signal"
	"time"
)

// The cancel function of WithCancel thrown away with _.
func discardCancel(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) // want "cancel function returned by context.WithCancel is discarded"
	return work(ctx)
}

// WithTimeout with _: the timer also stays alive until the deadline.
func discardTimeout(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "discarded.*timer runs until the deadline"
	return work(ctx)
}

// The var form with _.
func discardVar(parent context.Context) error {
	var ctx, _ = context.WithDeadline(parent, time.Now().Add(time.Minute)) // want "context.WithDeadline is discarded"
	return work(ctx)
}

// signal.NotifyContext's stop function thrown away.
func discardStop(parent context.Context) error {
	ctx, _ := signal.NotifyContext(parent, os.Interrupt) // want "stop function returned by signal.NotifyContext is discarded"
	return work(ctx)
}

// The early return before the defer misses cancel.
func earlyReturn(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "cancel .* is not called on every path"
	if err := work(ctx); err != nil {
		return err
	}
	defer cancel()
	return nil
}

// Called in one branch of an if only: falls off the end without it.
func oneBranch(parent context.Context, fast bool) {
	ctx, cancel := context.WithCancel(parent) // want "not called on every path"
	if fast {
		cancel()
	}
	_ = work(ctx)
}

// A switch without default: no arm runs when mode is 3.
func switchNoDefault(parent context.Context, mode int) {
	ctx, cancel := context.WithCancelCause(parent) // want "returned by context.WithCancelCause is not called on every path"
	switch mode {
	case 1:
		cancel(errBad)
	case 2:
		_ = work(ctx)
		cancel(nil)
	}
}

// cancel declared earlier and assigned with =.
func assignedLater(parent context.Context, d time.Duration) error {
	var ctx context.Context
	var cancel context.CancelFunc
	ctx, cancel = context.WithTimeout(parent, d) // want "not called on every path"
	if !ready(ctx) {
		return errBad
	}
	cancel()
	return nil
}

// var ctx, cancel = … with an early return.
func varForm(parent context.Context) error {
	var ctx, cancel = context.WithCancel(parent) // want "not called on every path"
	if err := work(ctx); err != nil {
		return err
	}
	cancel()
	return nil
}

// A closure is its own function: its cancel must be called inside it.
func inClosure(parent context.Context) {
	go func() {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "not called on every path"
		if !ready(ctx) {
			return
		}
		cancel()
	}()
}

// Methods are functions too.
func (s *server) handle(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, time.Now().Add(time.Second)) // want "not called on every path"
	if err := work(ctx); err != nil {
		return err
	}
	cancel()
	return nil
}

// continue skips cancel; the loop then ends without it.
func loopContinue(parent context.Context, jobs []int) {
	for _, j := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Duration(j)) // want "not called on every path"
		if j == 0 {
			continue
		}
		_ = work(ctx)
		cancel()
	}
}

// The inner cancel shadows the deferred outer one and is never called on
// the error path.
func shadowed(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if ready(ctx) {
		ctx, cancel := context.WithTimeout(ctx, time.Second) // want "not called on every path"
		if err := work(ctx); err != nil {
			return err
		}
		cancel()
	}
	return nil
}

// A select arm returns without cancel.
func selectArm(parent context.Context, done chan struct{}) error {
	ctx, cancel := context.WithTimeoutCause(parent, time.Second, errBad) // want "context.WithTimeoutCause is not called"
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		cancel()
		return ctx.Err()
	}
}

// The stop function of signal.NotifyContext forgotten on one path.
func stopMissed(parent context.Context) error {
	ctx, stop := signal.NotifyContext(parent, os.Interrupt) // want "stop .*signal.NotifyContext is not called on every path"
	if err := work(ctx); err != nil {
		return err
	}
	stop()
	return nil
}

// A return inside a loop leaves before the cancel after it.
func returnInLoop(parent context.Context, tries int) error {
	ctx, cancel := context.WithDeadlineCause(parent, time.Now().Add(time.Second), errBad) // want "not called on every path"
	for i := 0; i < tries; i++ {
		if ready(ctx) {
			return nil
		}
	}
	cancel()
	return errBad
}

// defer cancel() only inside an if: the other path never registers it.
func deferInIf(parent context.Context, slow bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "not called on every path"
	if slow {
		defer cancel()
	}
	return work(ctx)
}

// A type switch arm that forgets it.
func typeSwitchArm(parent context.Context, v any) {
	ctx, cancel := context.WithCancel(parent) // want "not called on every path"
	switch v.(type) {
	case string:
		cancel()
	case int:
		_ = work(ctx)
	default:
		cancel()
	}
}

// Parentheses around the call change nothing.
func parenthesized(parent context.Context) error {
	ctx, _ := (context.WithCancel(parent)) // want "discarded"
	return work(ctx)
}

// A named cancel with a nil stand-in parent is still followed (go vet's
// suite expects it).
func nilParentNamed(b bool) {
	_, cancel := context.WithCancel(nil) // want "not called on every path"
	if b {
		return
	}
	cancel()
}

// A nil that is a variable, not the literal, is an ordinary parent.
func nilVariable(parent context.Context) {
	nilCtx := parent
	_, _ = context.WithCancel(nilCtx) // want "discarded"
}
