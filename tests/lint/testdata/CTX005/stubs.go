// Package growth is the testdata of CTX005 context-growth-in-loop: a
// context variable derived from itself on every iteration of a loop.
package growth

import (
	"context"
	"errors"
)

var errEmpty = errors.New("empty")

type key struct{}

type pair struct {
	k, v any
}

func work(ctx context.Context) error { return ctx.Err() }

func next() (int, bool) { return 0, false }

type span struct{}

func (span) End() {}

type tracer struct{}

func (tracer) Start(ctx context.Context, name string) (context.Context, span) {
	return context.WithValue(ctx, key{}, name), span{}
}

// opaque is not declared as a context: its Start is not judged.
type opaque struct{ n int }

type starter struct{}

func (starter) Start(o opaque, name string) (opaque, span) { return opaque{o.n + 1}, span{} }
