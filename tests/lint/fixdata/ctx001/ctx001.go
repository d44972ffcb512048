// Package ctx001 holds CTX001 findings for the fix tests: lines marked
// "fix" must be fixed by --fix, lines marked "nofix" must stay as they are
// (and still be reported).
package ctx001

import (
	"context"
	"os"
	"os/signal"
	"time"
)

func work(ctx context.Context) error { return ctx.Err() }

// The plain case: _ becomes cancel, defer cancel() follows.
func discardCancel(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) // fix
	return work(ctx)
}

// A timeout, in the var form.
func discardVar(parent context.Context) error {
	var ctx, _ = context.WithTimeout(parent, time.Second) // fix
	return work(ctx)
}

// signal.NotifyContext: the name is stop.
func discardStop(parent context.Context) error {
	ctx, _ := signal.NotifyContext(parent, os.Interrupt) // fix
	return work(ctx)
}

// cancel is taken in this function: the fix picks another name.
func nameTaken(parent context.Context) error {
	other, cancel := context.WithCancel(parent)
	defer cancel()
	ctx, _ := context.WithTimeout(other, time.Second) // fix
	return work(ctx)
}

// Inside a loop a defer would pile up: no fix.
func inLoop(parent context.Context, n int) {
	for i := 0; i < n; i++ {
		ctx, _ := context.WithCancel(parent) // nofix
		_ = work(ctx)
	}
}

// The context is returned: a deferred cancel would end it: no fix.
func returned(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second) // nofix
	return ctx
}

// Suppressed: neither reported nor fixed.
func suppressed(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) //leakscope:ignore CTX001 kept for the test
	return work(ctx)
}
