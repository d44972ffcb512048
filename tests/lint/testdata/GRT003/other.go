package grt003

import (
	"context"
	"time"
)

// sleepyWorker is started from bad.go: it sleeps between polls and ends
// on a negative event, never on ctx.
func sleepyWorker(ctx context.Context, in <-chan event) {
	for {
		time.Sleep(time.Millisecond)
		if e := <-in; e.id < 0 {
			return
		}
	}
}

// carefulWorker is started from good.go: it selects on ctx.Done().
func carefulWorker(ctx context.Context, in <-chan event) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-in:
			handle(e)
		}
	}
}
