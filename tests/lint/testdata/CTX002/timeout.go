// Package timeout is the testdata of CTX002 non-positive-timeout: contexts
// whose timeout or deadline has already passed when they are made.
package timeout

import (
	"context"
	"errors"
	"time"
	clock "time"
)

func use(ctx context.Context) error { return ctx.Err() }

var errSlow = errors.New("slow")

// ---- positive cases -------------------------------------------------------

// A zero timeout.
func zeroTimeout(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, 0) // want "context.WithTimeout with a timeout of 0s [(]not positive[)]: the context is already done when created"
	defer cancel()
	return use(ctx)
}

// A negative timeout built from a unit.
func negativeSeconds(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, -5*time.Second) // want "timeout of -5s"
	defer cancel()
	return use(ctx)
}

// The Cause variant with a unary minus on a unit.
func timeoutCause(parent context.Context) error {
	ctx, cancel := context.WithTimeoutCause(parent, -time.Millisecond, errSlow) // want "context.WithTimeoutCause with a timeout of -1ms"
	defer cancel()
	return use(ctx)
}

// Arithmetic that folds to a negative value, with a conversion.
func foldsNegative(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Duration(2-3)*(time.Minute+30*time.Second)) // want "timeout of -90s"
	defer cancel()
	return use(ctx)
}

// A local const with a non-positive value.
func localConst(parent context.Context) error {
	const grace = 0 * time.Second
	ctx, cancel := context.WithTimeout(parent, grace) // want "timeout of 0s"
	defer cancel()
	return use(ctx)
}

// A package-level const, typed.
const expired time.Duration = -1

func packageConst(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, expired) // want "timeout of -1ns"
	defer cancel()
	return use(ctx)
}

// time.Now() as a deadline has passed by the time WithDeadline looks at it.
func deadlineNow(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, time.Now()) // want "context.WithDeadline with the deadline time.Now[(][)]"
	defer cancel()
	return use(ctx)
}

// A deadline in the past.
func deadlinePast(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, time.Now().Add(-time.Hour)) // want "deadline time.Now[(][)].Add[(]-1h[)]"
	defer cancel()
	return use(ctx)
}

// The zero time.Time, via the Cause variant.
func zeroDeadline(parent context.Context) error {
	ctx, cancel := context.WithDeadlineCause(parent, time.Time{}, errSlow) // want "context.WithDeadlineCause with the zero time.Time"
	defer cancel()
	return use(ctx)
}

// The time package under another name.
func aliasedTime(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, clock.Now().Add(0*clock.Second)) // want "time.Now[(][)].Add[(]0s[)]"
	defer cancel()
	return use(ctx)
}

// Hex literal and division that truncates to zero.
func hexAndDivision(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, 0x0+(1/2)*time.Second) // want "timeout of 0s"
	defer cancel()
	return use(ctx)
}

// ---- negative cases -------------------------------------------------------

// A positive constant.
func positive(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	return use(ctx)
}

// A variable: the value is unknown to syntax.
func variable(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, d)
	defer cancel()
	return use(ctx)
}

// A deadline in the future.
func deadlineFuture(parent context.Context) error {
	ctx, cancel := context.WithDeadline(parent, time.Now().Add(5*time.Second))
	defer cancel()
	return use(ctx)
}

// A duration computed from a deadline at run time.
func untilDeadline(parent context.Context, at time.Time) error {
	ctx, cancel := context.WithTimeout(parent, time.Until(at))
	defer cancel()
	return use(ctx)
}

// A duration from configuration.
type config struct{ Timeout time.Duration }

func fromConfig(parent context.Context, cfg config) error {
	ctx, cancel := context.WithTimeout(parent, cfg.Timeout)
	defer cancel()
	return use(ctx)
}

// A const whose value depends on iota is not followed.
const (
	first = iota - 1
	second
)

func iotaConst(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, first*time.Second)
	defer cancel()
	return use(ctx)
}

// A variable (not a const) that happens to start at zero.
var defaultTimeout time.Duration

func packageVar(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, defaultTimeout)
	defer cancel()
	return use(ctx)
}

// A deadline passed in by the caller.
func deadlineParam(parent context.Context, at time.Time) error {
	ctx, cancel := context.WithDeadline(parent, at)
	defer cancel()
	return use(ctx)
}

// A deadline some time after a moment that is not now.
func deadlineFromStart(parent context.Context, start time.Time) error {
	ctx, cancel := context.WithDeadline(parent, start.Add(-time.Second))
	defer cancel()
	return use(ctx)
}

// A local const that shadows nothing and is positive.
func positiveConst(parent context.Context) error {
	const budget = 3 * time.Second
	ctx, cancel := context.WithTimeout(parent, budget-time.Second)
	defer cancel()
	return use(ctx)
}

// A non-constant part makes the whole expression unknown.
func partlyVariable(parent context.Context, retries int) error {
	ctx, cancel := context.WithTimeout(parent, time.Duration(retries-1)*time.Second)
	defer cancel()
	return use(ctx)
}

// WithCancel has no timeout at all.
func noTimeout(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	return use(ctx)
}
