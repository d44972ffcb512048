package brokenchain

// Shapes found in real modules (docs/accuracy.md, "Real modules"): the
// negative ones are correct code the rule once reported, the positive ones
// are the near misses that must stay reported.

import (
	"context"
	"log/slog"
	"runtime/pprof"
	"time"
)

// logger stands for a logging interface that takes a context for its values.
type logger interface {
	Printf(ctx context.Context, format string, v ...any)
}

type internalPkg struct{ Logger logger }

var internal internalPkg

// ---- negative: a comment that puts the cancellation on the caller's side --

// "won't be canceled": the work must survive the caller's cancellation.
func lookupInfo(ctx context.Context) error {
	// Use a separate context that won't be canceled, so that the lookup
	// does not fail because the original context was.
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return query(c, "info")
}

// "ignore the provided context": says what it ignores.
func dialAnyway(ctx context.Context) error {
	// Now ignore the provided context (it will be done by then) and use a
	// different one so that the dial completes.
	return query(context.Background(), "dial")
}

// ---- positive: comments that mention cancellation and explain nothing ----

// The comment is about the new context's own cancel function.
func cancelMentioned(ctx context.Context) error {
	// Create a context with a timeout and cancel it when done.
	c, cancel := context.WithTimeout(context.Background(), time.Second) // want "drops the cancellation of ctx [(]parameter of cancelMentioned[)]"
	defer cancel()
	return query(c, "q")
}

// A cancellable context is still a fresh root.
func cancellableRoot(ctx context.Context) error {
	// a cancellable context for the workers
	c, cancel := context.WithCancel(context.Background()) // want "drops the cancellation of ctx [(]parameter of cancellableRoot[)]"
	defer cancel()
	return query(c, "q")
}

// "ignore" about something else than the context.
func duplicateEvent(ctx context.Context, seen bool) error {
	if seen {
		// Duplicate event, ignore.
		return nil
	}
	return query(context.Background(), "event") // want "drops the cancellation of ctx [(]parameter of duplicateEvent[)]"
}

// A comment inside a block that ended before the call talks about that
// block, however well it is worded.
func explainedElsewhere(ctx context.Context, fast bool) error {
	if fast {
		// Deliberately detached: the fast path must outlive the request.
		go notify(context.WithoutCancel(ctx), "fast")
	}
	return query(context.Background(), "slow") // want "drops the cancellation of ctx [(]parameter of explainedElsewhere[)]"
}

// ---- negative: calls that only read values from a context ----------------

// A log call does no work that cancellation could cut short.
func logOnly(ctx context.Context, id string) error {
	internal.Logger.Printf(context.Background(), "saving %s", id)
	slog.InfoContext(context.Background(), "saving", "id", id)
	return query(ctx, id)
}

// Clearing the goroutine's profiler labels after a call.
func labelled(ctx context.Context) error {
	pprof.SetGoroutineLabels(ctx)
	defer pprof.SetGoroutineLabels(context.Background())
	return query(ctx, "q")
}

// ---- positive: near misses of those ---------------------------------------

// Printf on something that is not named like a logger does work.
type printer struct{}

func (printer) Printf(ctx context.Context, format string, v ...any) { _ = ctx.Err() }

func printNotLog(ctx context.Context, p printer) {
	p.Printf(context.Background(), "x") // want "drops the cancellation of ctx [(]parameter of printNotLog[)]"
}

// pprof.Do runs its function with the context it is given.
func labelledWork(ctx context.Context) {
	pprof.Do(context.Background(), pprof.Labels("k", "v"), func(c context.Context) { // want "drops the cancellation of ctx [(]parameter of labelledWork[)]"
		_ = query(c, "q")
	})
}

// ---- negative: a function that chooses between ctx and a root ------------

type client struct{ timeouts bool }

// context honours the caller's deadline only when the option says so.
func (c *client) context(ctx context.Context) context.Context {
	if c.timeouts {
		return ctx
	}
	return context.Background()
}

// ---- positive: a root returned on every path ------------------------------

func alwaysRoot(ctx context.Context) context.Context {
	_ = query(ctx, "q")
	return context.Background() // want "drops the cancellation of ctx [(]parameter of alwaysRoot[)]"
}

// ---- negative: a callback handed a root by its caller ---------------------

type runner struct{}

func (runner) Run(ctx context.Context, f func(ctx context.Context)) { f(ctx) }

// The callback's ctx is the root given beside it: a root inside drops
// nothing.
func runWithRoot(r runner) {
	r.Run(context.Background(), func(ctx context.Context) {
		_ = query(context.Background(), "q")
	})
}

// ---- positive: the same callback under a real context ---------------------

func runWithTimeout(r runner) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r.Run(ctx, func(ctx context.Context) {
		_ = query(context.Background(), "q") // want "drops the cancellation of ctx [(]parameter of the closure at line 150[)]"
	})
}
