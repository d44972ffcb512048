// Package lostcancel is the testdata of CTX001 lost-cancel: the cancel
// function of a derived context discarded or not called on every path.
package lostcancel

import (
	"context"
	"errors"
)

var errBad = errors.New("bad")

func work(ctx context.Context) error { return ctx.Err() }

func ready(ctx context.Context) bool { return ctx.Err() == nil }

func stopLater(stop func()) { stop() }

type server struct {
	cancel context.CancelFunc
}
