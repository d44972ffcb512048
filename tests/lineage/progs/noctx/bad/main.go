// Cause 1 of a deadline that has no effect: a goroutine started without
// the request's context makes its own from context.Background(), so the
// request's deadline never reaches it and it outlives the request. Its
// root is a new-root because the goroutine that started it (main) held the
// request's live context at the time (the root's "cg"), and live-at-end
// because nothing ever ends it. (300 ms: the goroutine makes its root long
// before the request ends, even on a loaded machine.)
// Built through `leakscope lineage build` (tests/cli_lineage_progs.sh).
package main

import (
	"context"
	"time"
)

// poll stands for a background job that runs until its context ends.
func poll(ctx context.Context) {
	<-ctx.Done()
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond) // HELD
	defer cancel()
	started := make(chan struct{})
	go func() {
		ctx, stop := context.WithCancel(context.Background()) // FINDING new-root, live-at-end
		defer stop()
		close(started)
		poll(ctx)
	}()
	<-started
	<-req.Done()
}
