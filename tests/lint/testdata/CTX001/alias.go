package lostcancel

import (
	stdctx "context"
	"time"
)

// The context package under another name is still the context package.
func aliased(parent stdctx.Context) error {
	ctx, cancel := stdctx.WithTimeout(parent, time.Second) // want "context.WithTimeout is not called on every path"
	if err := work(ctx); err != nil {
		return err
	}
	cancel()
	return nil
}

// Discarded through the alias.
func aliasedDiscard(parent stdctx.Context) error {
	ctx, _ := stdctx.WithCancel(parent) // want "discarded"
	return work(ctx)
}
