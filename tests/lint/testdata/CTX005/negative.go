package growth

import (
	"context"
	"time"
)

// := in the loop body makes a new variable per iteration.
func shadowed(ctx context.Context, pairs []pair) {
	for _, p := range pairs {
		ctx := context.WithValue(ctx, p.k, p.v)
		_ = work(ctx)
	}
}

// Derived from a different base each time.
func fromBase(base context.Context, vs []int) {
	var ctx context.Context
	for _, v := range vs {
		ctx = context.WithValue(base, key{}, v)
		_ = work(ctx)
	}
}

// The usual per-attempt timeout: a fresh child of the parent each time.
func perAttempt(parent context.Context) error {
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		err := work(ctx)
		cancel()
		if err == nil {
			return nil
		}
	}
	return nil
}

// The loop always returns after the reassignment.
func firstOnly(ctx context.Context, vs []int) error {
	for _, v := range vs {
		ctx = context.WithValue(ctx, key{}, v)
		return work(ctx)
	}
	return nil
}

// A break right after the reassignment: it runs at most once.
func breakAfter(ctx context.Context) {
	for {
		ctx = context.WithValue(ctx, key{}, 1)
		break
	}
	_ = work(ctx)
}

// The variable is reset from the base at the top of every iteration.
func resetEach(base context.Context, vs []int) {
	ctx := base
	for _, v := range vs {
		ctx = base
		ctx = context.WithValue(ctx, key{}, v)
		_ = work(ctx)
	}
}

// The range clause assigns the variable afresh each time.
func rangeVar(ctxs []context.Context) {
	for _, ctx := range ctxs {
		ctx = context.WithValue(ctx, key{}, 1)
		_ = work(ctx)
	}
}

// Declared inside the outer loop's body: grows only within one row.
func perRow(parent context.Context, rows [][]int) {
	for _, row := range rows {
		ctx := parent
		for range row {
			_ = work(ctx)
		}
		ctx = context.WithValue(ctx, key{}, len(row))
		_ = work(ctx)
	}
}

// Outside any loop: a single derivation.
func once(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return work(ctx)
}

// An unknown helper may return its argument unchanged: not judged.
func unknownHelper(ctx context.Context, vs []int) {
	for range vs {
		ctx = decorate(ctx)
	}
	_ = work(ctx)
}

func decorate(ctx context.Context) context.Context { return ctx }

// A closure resets the variable: syntax cannot follow it.
func closureResets(base context.Context, vs []int) {
	ctx := base
	reset := func() { ctx = base }
	for _, v := range vs {
		ctx = context.WithValue(ctx, key{}, v)
		_ = work(ctx)
		reset()
	}
}

// A select loop that derives a fresh context per message from the parent.
func serve(parent context.Context, msgs <-chan int) {
	for {
		select {
		case <-parent.Done():
			return
		case m := <-msgs:
			ctx, cancel := context.WithTimeout(parent, time.Second)
			_ = work(context.WithValue(ctx, key{}, m))
			cancel()
		}
	}
}

// A timer reset in a loop is no context at all.
func timerLoop(ctx context.Context) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			t.Reset(time.Second)
		}
	}
}

// A builder loop: the chain's depth is the number of pairs, on purpose.
func addPairs(ctx context.Context, pairs []pair) error {
	for _, p := range pairs {
		ctx = context.WithValue(ctx, p.k, p.v)
	}
	return work(ctx)
}

// A loop that only collects cancel functions while layering (a test of
// deep chains) does not work with the context inside the loop.
func buildTree(ctx context.Context, depth int) []context.CancelFunc {
	var cancels []context.CancelFunc
	for i := 0; i < depth; i++ {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		cancels = append(cancels, cancel)
	}
	_ = work(ctx)
	return cancels
}

// A Start method on something syntax does not show to be a context.
func notAContext(o opaque, s starter, n int) {
	for i := 0; i < n; i++ {
		var sp span
		o, sp = s.Start(o, "x")
		sp.End()
		_ = o.n
	}
}

type header map[string]string

// A builder that returns early: returning the context is not working with it.
func extract(ctx context.Context, keys []string, h header) (context.Context, error) {
	for _, k := range keys {
		v, ok := h[k]
		if !ok {
			continue
		}
		if v == "" {
			return ctx, errEmpty
		}
		ctx = context.WithValue(ctx, key{}, v)
	}
	return ctx, nil
}
