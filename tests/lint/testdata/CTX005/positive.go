package growth

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

// A request ID added to the same variable for every message handled.
func handleAll(ctx context.Context, msgs []int) {
	for _, m := range msgs {
		ctx = context.WithValue(ctx, key{}, m) // want "ctx is derived from itself with context.WithValue"
		_ = work(ctx)
	}
}

// A timeout re-derived from the previous one in an endless loop.
func pollForever(ctx context.Context) {
	var cancel context.CancelFunc
	for {
		ctx, cancel = context.WithTimeout(ctx, time.Second) // want "derived from itself with context.WithTimeout"
		_ = work(ctx)
		cancel()
	}
}

// A three-clause loop with a local context declared before it.
func counted(n int) {
	ctx := context.Background()
	for i := 0; i < n; i++ {
		ctx = context.WithValue(ctx, key{}, i) // want "context.WithValue on every iteration"
		_ = work(ctx)
	}
}

// WithCancel in a loop with a condition.
func retry(ctx context.Context) {
	for work(ctx) != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx) // want "context.WithCancel"
		cancel()
	}
}

// The deadline variant, with the Cause constructor.
func deadlines(ctx context.Context, ts []time.Time) {
	for _, t := range ts {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadlineCause(ctx, t, nil) // want "context.WithDeadlineCause"
		defer cancel()
		_ = work(ctx)
	}
}

// WithoutCancel wraps its parent too.
func detachEach(ctx context.Context, n int) {
	for range n {
		ctx = context.WithoutCancel(ctx) // want "context.WithoutCancel"
		_ = work(ctx)
	}
	_ = work(ctx)
}

// pprof.WithLabels returns a child of its first argument.
func labels(ctx context.Context, names []string) {
	for _, n := range names {
		ctx = pprof.WithLabels(ctx, pprof.Labels("name", n)) // want "pprof.WithLabels"
		pprof.SetGoroutineLabels(ctx)
	}
	_ = work(ctx)
}

// signal.NotifyContext in a loop.
func notify(ctx context.Context) {
	for {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt) // want "signal.NotifyContext"
		<-ctx.Done()
		stop()
	}
}

// The loop continues past a condition that returns only sometimes.
func readUntil(ctx context.Context) error {
	for {
		n, ok := next()
		if !ok {
			return work(ctx)
		}
		ctx = context.WithValue(ctx, key{}, n) // want "context.WithValue"
	}
}

// Parentheses around the parent and the call do not hide it.
func parens(ctx context.Context, vs []int) {
	for _, v := range vs {
		ctx = (context.WithValue((ctx), key{}, v)) // want "context.WithValue"
		_ = work(ctx)
	}
	_ = work(ctx)
}

// A nested loop: the variable of the outer function grows in the inner one.
func nested(ctx context.Context, rows [][]int) {
	for _, row := range rows {
		for _, v := range row {
			ctx = context.WithValue(ctx, key{}, v) // want "context.WithValue"
		}
		_ = work(ctx)
	}
	_ = work(ctx)
}

// Inside a function literal the literal's own loop is followed.
func inClosure(vs []int) func(context.Context) {
	return func(ctx context.Context) {
		for _, v := range vs {
			ctx = context.WithValue(ctx, key{}, v) // want "context.WithValue"
			_ = work(ctx)
		}
	}
}

// A goto loop grows the chain as well.
func gotoLoop(ctx context.Context) {
again:
	ctx = context.WithValue(ctx, key{}, 1) // want "context.WithValue"
	if work(ctx) != nil {
		goto again
	}
}

// A tracing span started from the same variable on every message.
func traced(ctx context.Context, tr tracer, msgs []int) {
	for range msgs {
		var sp span
		ctx, sp = tr.Start(ctx, "msg") // want "tr.Start .a span's context."
		_ = work(ctx)
		sp.End()
	}
}

// runtime/trace.NewTask wraps its parent too.
func tasks(ctx context.Context, n int) {
	for i := 0; i < n; i++ {
		var task *trace.Task
		ctx, task = trace.NewTask(ctx, "step") // want "trace.NewTask"
		_ = work(ctx)
		task.End()
	}
}
