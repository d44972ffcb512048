// Package ctx008 holds CTX008 findings for the fix tests, in a file whose
// import block lacks "errors" (the fix adds it in sorted position).
package ctx008

import (
	"context"
	"fmt"
)

func work(ctx context.Context) error { return ctx.Err() }

// == becomes errors.Is.
func isCanceled(ctx context.Context) bool {
	err := work(ctx)
	return err == context.Canceled // fix
}

// != becomes !errors.Is; the sentinel on the left moves right.
func notDeadline(ctx context.Context) error {
	if err := work(ctx); err != nil && context.DeadlineExceeded != err { // fix
		return fmt.Errorf("work: %w", err)
	}
	return nil
}

// A parameter declared error.
func param(err error) bool {
	return err != context.Canceled // fix
}

// recover() gives any, which errors.Is does not take: no fix.
func recovered() (canceled bool) {
	defer func() {
		r := recover()
		canceled = r == context.Canceled // nofix
	}()
	return false
}

// A switch case is left to a person.
func switched(ctx context.Context) string {
	switch err := work(ctx); err {
	case context.Canceled: // nofix
		return "canceled"
	}
	return ""
}
