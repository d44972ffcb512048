package lostcancel

import (
	"context"
	"log"
	"os"
	"os/signal"
	"testing"
	"time"
)

// The ordinary idiom: defer cancel() right after the creation.
func deferCancel(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return work(ctx)
}

// The defer after the error check of a call that made nothing to cancel.
func deferAfterCheck(parent context.Context) error {
	if err := work(parent); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	return work(ctx)
}

// Called in every arm of a switch that has a default.
func everyArm(parent context.Context, mode int) {
	ctx, cancel := context.WithCancel(parent)
	switch mode {
	case 1:
		cancel()
	case 2:
		_ = work(ctx)
		cancel()
	default:
		cancel()
	}
}

// Returned to the caller, who must call it.
func returned(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	return ctx, cancel
}

// Stored in a struct field: the owner cancels later.
func (s *server) start(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	s.cancel = cancel
	return ctx
}

// Assigned straight into a field.
func (s *server) startField(parent context.Context) context.Context {
	var ctx context.Context
	ctx, s.cancel = context.WithCancel(parent)
	return ctx
}

// The test helper pattern: t.Cleanup calls it when the test ends.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// Handed to a goroutine that calls it when done.
func inGoroutine(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		defer cancel()
		_ = work(ctx)
	}()
}

// defer cancel() in a loop body: every iteration's cancel runs at return.
func deferInLoop(parent context.Context, n int) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		_ = work(ctx)
	}
}

// A deferred closure that calls it.
func deferredClosure(parent context.Context) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer func() {
		cancel(errBad)
	}()
	return work(ctx)
}

// A local variable named context is not the package.
type fakeContexts struct{}

func (fakeContexts) WithCancel(parent context.Context) (context.Context, func()) {
	return parent, func() {}
}

func localNamedContext(parent context.Context) error {
	context := fakeContexts{}
	ctx, _ := context.WithCancel(parent)
	return work(ctx)
}

// A package-level cancel outlives the function.
var (
	rootCtx    context.Context
	rootCancel context.CancelFunc
)

func initRoot() {
	rootCtx, rootCancel = context.WithCancel(context.Background())
}

// A named result handed back by a bare return.
func namedResult(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithTimeout(parent, time.Second)
	return
}

// Passed to a helper that calls it.
func passedToHelper(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	go stopLater(cancel)
	_ = work(ctx)
}

// Kept in a slice for later.
func keptInSlice(parent context.Context, n int) []context.CancelFunc {
	var cancels []context.CancelFunc
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(parent)
		cancels = append(cancels, cancel)
		_ = work(ctx)
	}
	return cancels
}

// The error path ends the process: nothing to release.
func fatalPath(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if !ready(ctx) {
		log.Fatal("not ready")
	}
	defer cancel()
	if err := work(ctx); err != nil {
		os.Exit(1)
	}
}

// signal.NotifyContext with defer stop().
func withSignals(parent context.Context) error {
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	return work(ctx)
}

// A server loop that never returns needs no cancel after it.
func serveForever(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	for {
		if err := work(ctx); err != nil {
			log.Print(err)
		}
		if !ready(ctx) {
			cancel()
		}
	}
}

// Both paths through goto call cancel.
func withGoto(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	if err := work(ctx); err != nil {
		goto fail
	}
	cancel()
	return nil
fail:
	cancel()
	return errBad
}

// A deferred closure declared before the creation calls whatever cancel
// holds when the function returns.
func cancelVarDeferredEarly(parent context.Context, d time.Duration) error {
	var cancel context.CancelFunc
	defer func() {
		if cancel != nil {
			cancel()
		}
	}()
	ctx := parent
	if d > 0 {
		ctx, cancel = context.WithTimeout(parent, d)
	}
	return work(ctx)
}

// Created in an if statement's init and cancelled in both branches.
func ifInit(parent context.Context) error {
	if ctx, cancel := context.WithTimeout(parent, time.Second); ready(ctx) {
		defer cancel()
		return work(ctx)
	} else {
		cancel()
	}
	return errBad
}

// An outer cancel assigned inside a closure belongs to the outer function.
func assignedInClosure(parent context.Context) func() {
	var cancel context.CancelFunc
	start := func() {
		var ctx context.Context
		ctx, cancel = context.WithCancel(parent)
		_ = work(ctx)
	}
	start()
	return cancel
}

// Copied to another variable that is returned.
func copied(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	stop := cancel
	return ctx, stop
}

// Two cancels, the inner one shadowing the outer: both are called.
func shadowedBoth(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if ready(ctx) {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return work(ctx)
	}
	return nil
}

// A closure with its own cancel, called inside it.
func closureOwnCancel(parent context.Context) func() error {
	return func() error {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		return work(ctx)
	}
}

// Reassigned in a loop and called at the end of every iteration.
func reassignedInLoop(parent context.Context, n int) {
	var ctx context.Context
	var cancel context.CancelFunc
	for i := 0; i < n; i++ {
		ctx, cancel = context.WithTimeout(parent, time.Second)
		_ = work(ctx)
		cancel()
	}
}

// A process-wide signal context set up once in init is meant to live
// as long as the process.
var interrupted context.Context

func init() {
	interrupted, _ = signal.NotifyContext(context.Background(), os.Interrupt)
}

// A literal nil parent panics, so no cancel function is ever returned:
// discarding it is what a panic test does.
func nilParentPanics() {
	_, _ = context.WithCancel(nil)
	_, _ = context.WithDeadline((nil), time.Now().Add(time.Hour))
	ctx, _ := context.WithTimeout(nil, time.Second)
	_ = ctx
}
