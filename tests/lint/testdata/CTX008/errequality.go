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
)

func work(ctx context.Context) error { return ctx.Err() }

// ---- positive cases -------------------------------------------------------

// ctx.Err() compared with context.Canceled.
func errCallEqualsCanceled(ctx context.Context) bool {
	return ctx.Err() == context.Canceled // want "comparing ctx.Err[(][)] with context.Canceled by ==.*use errors.Is[(]ctx.Err[(][)], context.Canceled[)]"
}

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

// A switch on ctx.Err() directly.
func switchOnErrCall(ctx context.Context) bool {
	switch ctx.Err() {
	case context.DeadlineExceeded: // want "switch case compares ctx.Err[(][)] with context.DeadlineExceeded"
		return true
	}
	return false
}

// The context package under another name.
func aliasedImport(ctx stdctx.Context) bool {
	return ctx.Err() == stdctx.Canceled // want "comparing ctx.Err[(][)] with stdctx.Canceled"
}

// A context made with WithCancelCause: the reason is in context.Cause.
func madeWithCause(parent context.Context) bool {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	return ctx.Err() == context.Canceled // want "context.Cause[(]ctx[)] gives it"
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
	return (ctx.Err()) != (context.Canceled) // want "by !="
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

// Another context's Err() does not get the hint of an unrelated Cause context.
func otherCtxNoHint(parent context.Context) bool {
	cctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	_ = work(cctx)
	return parent.Err() == context.Canceled // want "use errors.Is[(]parent.Err[(][)], context.Canceled[)]$"
}
