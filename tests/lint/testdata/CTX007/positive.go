package nested

import (
	"context"
	"errors"
	"time"
)

const queryTimeout = 30 * time.Second

// The classic: 5s outside, 30s inside.
func query(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, 30*time.Second) // want "timeout of 30s under ctx, whose own timeout of 5s ends first"
	defer qcancel()
	return work(qctx)
}

// The parameter reused as the outer context's variable.
func reuseParam(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	inner, c2 := context.WithTimeout(ctx, time.Minute) // want "timeout of 1m under ctx"
	defer c2()
	return work(inner)
}

// A named constant of the same file.
func namedConst(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, 10*time.Second)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, queryTimeout) // want "30s under ctx"
	defer qcancel()
	return work(qctx)
}

// A constant of another file of the package on the outer side.
func otherFileConst(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, requestTimeout)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, 3*time.Second) // want "3s under ctx, whose own timeout of 2s"
	defer qcancel()
	return work(qctx)
}

// Deadlines written as time.Now().Add(constant).
func deadlines(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, time.Now().Add(time.Second))
	defer cancel()
	qctx, qcancel := context.WithDeadline(ctx, time.Now().Add(2*time.Second)) // want "WithDeadline with a timeout of 2s"
	defer qcancel()
	return work(qctx)
}

// A timeout under a deadline.
func mixed(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, time.Now().Add(100*time.Millisecond))
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, time.Second) // want "1s under ctx, whose own timeout of 100ms"
	defer qcancel()
	return work(qctx)
}

// The Cause variants.
func causes(parent context.Context) error {
	ctx, cancel := context.WithTimeoutCause(parent, time.Second, errors.New("outer"))
	defer cancel()
	qctx, qcancel := context.WithTimeoutCause(ctx, time.Hour, errors.New("inner")) // want "WithTimeoutCause with a timeout of 1h"
	defer qcancel()
	return work(qctx)
}

// The inner call nested in an if block after the creation.
func inBranch(parent context.Context, slow bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	if slow {
		qctx, qcancel := context.WithTimeout(ctx, 5*time.Second) // want "5s under ctx"
		defer qcancel()
		return work(qctx)
	}
	return work(ctx)
}

// A goroutine that derives from the outer context.
func inGoroutine(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		qctx, qcancel := context.WithTimeout(ctx, 10*time.Second) // want "10s under ctx"
		defer qcancel()
		done <- work(qctx)
	}()
	<-done
}

// The var form of the outer creation.
func varForm(parent context.Context) error {
	var ctx, cancel = context.WithTimeout(parent, 500*time.Millisecond)
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, time.Second) // want "1s under ctx"
	defer qcancel()
	return work(qctx)
}

// Parentheses and a time.Duration conversion.
func conversion(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Duration(2)*time.Second)
	defer cancel()
	qctx, qcancel := context.WithTimeout((ctx), (3 * time.Second)) // want "3s under ctx"
	defer qcancel()
	return work(qctx)
}

// Inside a select clause.
func inSelect(parent context.Context, ch <-chan int) error {
	select {
	case <-ch:
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		qctx, qcancel := context.WithTimeout(ctx, 2*time.Second) // want "2s under ctx"
		defer qcancel()
		return work(qctx)
	default:
		return nil
	}
}

// A parenthesised outer creation.
func parenOuter(parent context.Context) error {
	ctx, cancel := (context.WithTimeout(parent, time.Second))
	defer cancel()
	qctx, qcancel := context.WithTimeout(ctx, time.Minute) // want "1m under ctx"
	defer qcancel()
	return work(qctx)
}

// Constants declared in the function body.
func localConsts(parent context.Context) error {
	const (
		overall = 3 * time.Second
		step    = 4 * time.Second
	)
	ctx, cancel := context.WithTimeout(parent, overall)
	defer cancel()
	sctx, scancel := context.WithTimeout(ctx, step) // want "4s under ctx, whose own timeout of 3s"
	defer scancel()
	return work(sctx)
}

// Through a context derived with WithValue (it keeps the deadline).
func throughValue(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	vctx := context.WithValue(ctx, struct{}{}, 1)
	qctx, qcancel := context.WithTimeout(vctx, time.Minute) // want "1m under vctx .derived from ctx., whose own timeout of 1s"
	defer qcancel()
	return work(qctx)
}
