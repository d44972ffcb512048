// Package errequality is the testdata of CTX008 err-equality: errors
// compared with context.Canceled or context.DeadlineExceeded by == or !=
// instead of errors.Is.
package errequality

import (
	"context"
	stdctx "context"
	"errors"
	"fmt"
	"io"
	"time"
)

func work(ctx context.Context) error { return ctx.Err() }

// ---- positive cases -------------------------------------------------------

// An error from a call compared with context.DeadlineExceeded.
func errEqualsDeadline(ctx context.Context) bool {
	err := work(ctx)
	if err == context.DeadlineExceeded { // want "comparing err with context.DeadlineExceeded by ==: wrapped errors and causes are missed"
		return true
	}
	return false
}

// != is the same mistake: the suggestion is !errors.Is.
func errNotCanceled(ctx context.Context) error {
	if err := work(ctx); err != nil && err != context.Canceled { // want "by !=.*use !errors.Is[(]err, context.Canceled[)]"
		return err
	}
	return nil
}

// The sentinel on the left.
func sentinelFirst(ctx context.Context) bool {
	err := work(ctx)
	return context.DeadlineExceeded == err // want "comparing err with context.DeadlineExceeded"
}

// A wrapped error never equals the sentinel: this branch is dead.
func wrappedNeverEqual(ctx context.Context) bool {
	err := fmt.Errorf("fetch: %w", work(ctx))
	return err == context.Canceled // want "wrapped errors and causes are missed"
}

// A switch on the error with a context sentinel as a case.
func switchOnErr(ctx context.Context) string {
	switch err := work(ctx); err {
	case nil:
		return "ok"
	case context.Canceled: // want "switch case compares err with context.Canceled"
		return "canceled"
	case context.DeadlineExceeded: // want "switch case compares err with context.DeadlineExceeded"
		return "timeout"
	}
	return "failed"
}

// The context package under another name.
func aliasedImport(ctx stdctx.Context) bool {
	err := work(ctx)
	return err == stdctx.Canceled // want "comparing err with stdctx.Canceled"
}

// A context made with WithCancelCause: Err() drops the cause, which is
// in context.Cause.
func madeWithCause(parent context.Context) bool {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	return ctx.Err() == context.Canceled // want "ctx was made with a cancellation cause.*the cause is lost, use context.Cause[(]ctx[)]$"
}

// The same through a variable assigned from Err(), and as a switch tag.
func madeWithCauseVar(parent context.Context) string {
	ctx, cancel := context.WithTimeoutCause(parent, time.Second, errors.New("slow"))
	defer cancel()
	err := ctx.Err()
	if err == context.DeadlineExceeded { // want "comparing err with context.DeadlineExceeded by ==: ctx was made with a cancellation cause"
		return "timeout"
	}
	switch ctx.Err() {
	case context.Canceled: // want "switch case compares ctx.Err[(][)] with context.Canceled.*context.Cause[(]ctx[)]"
		return "canceled"
	}
	return ""
}

// A variable assigned Err() and then something else is not exact.
func reassignedErr(ctx context.Context) bool {
	err := ctx.Err()
	if err == nil {
		err = work(ctx)
	}
	return err == context.Canceled // want "comparing err with context.Canceled by ==: wrapped errors"
}

// A WithTimeoutCause context in an enclosing block, compared in a closure.
func causeInClosure(parent context.Context) func() bool {
	tctx, cancel := context.WithTimeoutCause(parent, 0, errors.New("slow backend"))
	_ = cancel
	return func() bool {
		err := work(tctx)
		return err == context.DeadlineExceeded // want "context.Cause[(]tctx[)]"
	}
}

// Parentheses do not hide the comparison.
func parenthesised(ctx context.Context) bool {
	return (work(ctx)) != (context.Canceled) // want "by !="
}

// ---- negative cases -------------------------------------------------------

// errors.Is is the correct way.
func usesErrorsIs(ctx context.Context) bool {
	return errors.Is(work(ctx), context.Canceled)
}

// Comparing with nil is fine.
func comparesNil(ctx context.Context) bool {
	return ctx.Err() == nil
}

// Other sentinels are not this rule's business.
func otherSentinel(r io.Reader) bool {
	_, err := r.Read(nil)
	return err == io.EOF
}

// Using the sentinel's message is not a comparison of errors.
func sentinelMessage() string {
	return context.Canceled.Error()
}

// A local variable named context is not the package.
func localNamedContext(err error) bool {
	context := struct{ Canceled error }{Canceled: io.EOF}
	return err == context.Canceled
}

// An Is method is where == against a sentinel belongs: errors.Is calls it.
type timeoutError struct{}

func (timeoutError) Error() string { return "timeout" }

func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Returning the sentinel is not a comparison.
func returnsSentinel() error {
	return context.Canceled
}

// errors.Is in a switch without a tag.
func taglessSwitch(ctx context.Context) string {
	switch err := work(ctx); {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return ""
}

// context.Cause compared with errors.Is.
func causeWithErrorsIs(parent context.Context) bool {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	return errors.Is(context.Cause(ctx), context.Canceled)
}

// A package's own sentinel that happens to be called Canceled.
var Canceled = errors.New("job canceled")

func ownSentinel(err error) bool {
	return err == Canceled
}

// A map keyed by sentinel errors is a lookup, not a comparison.
var codes = map[error]int{context.Canceled: 499, context.DeadlineExceeded: 504}

func lookupCode(err error) int { return codes[err] }

// Wrapping the sentinel is fine.
func wrapsSentinel() error {
	return fmt.Errorf("stopped: %w", context.Canceled)
}

// Another context's Err() is exact, and an unrelated Cause context does
// not change that.
func otherCtxNoHint(parent context.Context) bool {
	cctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	_ = work(cctx)
	return parent.Err() == context.Canceled
}

// A context's Err() returns Canceled or DeadlineExceeded themselves, never
// a wrapped error: comparing it by == is exact.
func errCallEqualsCanceled(ctx context.Context) bool {
	return ctx.Err() == context.Canceled
}

// The same through a variable assigned from it.
func errVarFromErrCall(ctx context.Context) bool {
	err := ctx.Err()
	return err != context.DeadlineExceeded
}

// Through a variable declared with var, with the context of a call.
func errVarDecl(get func() context.Context) bool {
	var err = get().Err()
	return context.Canceled == err
}

// As a switch tag, directly and through an init statement.
func switchOnErrCall(ctx context.Context) string {
	switch ctx.Err() {
	case context.DeadlineExceeded:
		return "timeout"
	}
	switch err := ctx.Err(); err {
	case context.Canceled:
		return "canceled"
	}
	return ""
}

// The package under another name, Err() in parentheses.
func aliasedErrCall(ctx stdctx.Context) bool {
	return (ctx.Err()) == stdctx.Canceled
}

// A context's Err, cleared to nil once handled (docs/accuracy.md, "More
// modules"): nil and the sentinels are exact values too.
func pruneUntilDone(ctx context.Context, items []string) (int, error) {
	n := 0
	for range items {
		select {
		case <-ctx.Done():
			err := ctx.Err()
			if err == context.Canceled {
				err = nil
			}
			return n, err
		default:
			n++
		}
	}
	return n, nil
}

// Near miss: the variable is also given a value that wraps a sentinel.
func errOrWrapped(ctx context.Context, e error) bool {
	err := ctx.Err()
	if err == nil {
		err = errors.Join(e, context.Canceled)
	}
	return err == context.Canceled // want "comparing err with context.Canceled by ==: wrapped errors"
}
