package nested

import (
	"context"
	"time"
)

// The inner timeout is shorter: it can fire.
func shorterInner(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, 30*time.Second)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, 5*time.Second)
	defer qcancel()
	return work(qctx)
}

// Equal timeouts: not the case the rule is about.
func equal(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, time.Second)
	defer qcancel()
	return work(qctx)
}

// The inner timeout is not a constant.
func variable(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, d)
	defer qcancel()
	return work(qctx)
}

// The outer timeout is not a constant.
func variableOuter(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, d)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, time.Minute)
	defer qcancel()
	return work(qctx)
}

// Derived from the parent, not from the shorter context.
func siblings(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	_ = work(ctx)
	qctx, qcancel := context.WithTimeout(parent, time.Minute)
	defer qcancel()
	return work(qctx)
}

// The variable is reassigned with another context before the inner call.
func reassigned(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	_ = work(ctx)
	ctx = context.WithoutCancel(parent)
	qctx, qcancel := context.WithTimeout(ctx, time.Minute)
	defer qcancel()
	return work(qctx)
}

// Made in one branch only: on the other path ctx is the caller's.
func conditional(ctx context.Context, strict bool) error {
	if strict {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Second)
		defer cancel()
	}
	qctx, qcancel := context.WithTimeout(ctx, time.Minute)
	defer qcancel()
	return work(qctx)
}

// The inner call comes before the outer creation.
func before(parent context.Context) error {
	qctx, qcancel := context.WithTimeout(parent, time.Minute)
	defer qcancel()
	ctx, cancel := context.WithTimeout(qctx, time.Second)
	defer cancel()
	return work(ctx)
}

// A deadline that is not time.Now().Add(constant).
func realDeadline(parent context.Context, at time.Time) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	qctx, qcancel := context.WithDeadline(ctx, at)
	defer qcancel()
	return work(qctx)
}

// Per-attempt timeouts under an overall budget that is longer.
func retries(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Minute)
	defer cancel()
	for i := 0; i < 3; i++ {
		actx, acancel := context.WithTimeout(ctx, 10*time.Second)
		err := work(actx)
		acancel()
		if err == nil {
			return nil
		}
	}
	return ctx.Err()
}

// A goroutine with a longer budget derived from a detached context.
func detached(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	bg := context.WithoutCancel(ctx)
	go func() {
		lctx, lcancel := context.WithTimeout(bg, time.Minute)
		defer lcancel()
		_ = work(lctx)
	}()
	_ = work(ctx)
}

// A context captured from an enclosing function and assigned by a closure:
// its value at the inner call is not known.
func closureWrites(parent context.Context) func() error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	reset := func() { ctx = parent }
	return func() error {
		defer cancel()
		reset()
		qctx, qcancel := context.WithTimeout(ctx, time.Minute)
		defer qcancel()
		return work(qctx)
	}
}

type level int

// Constants made with iota are not evaluated (their value depends on the
// position in the block), so nothing is compared.
const (
	short level = iota + 1
	long
)

func iotaConsts(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Duration(short)*time.Second)
	defer cancel()
	lctx, lcancel := context.WithTimeout(ctx, time.Duration(long)*time.Second)
	defer lcancel()
	return work(lctx)
}

// WithoutCancel drops the parent's deadline: the longer timeout applies.
func withoutCancel(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	dctx := context.WithoutCancel(ctx)
	qctx, qcancel := context.WithTimeout(dctx, time.Minute)
	defer qcancel()
	return work(qctx)
}
