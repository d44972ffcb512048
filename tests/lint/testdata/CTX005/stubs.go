// Package growth is the testdata of CTX005 context-growth-in-loop: a
// context variable derived from itself on every iteration of a loop.
package growth

import "context"

type key struct{}

type pair struct {
	k, v any
}

func work(ctx context.Context) error { return ctx.Err() }

func next() (int, bool) { return 0, false }
