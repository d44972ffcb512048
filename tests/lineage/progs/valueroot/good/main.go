// Cause 4, correct: the value is attached to the request's context, which
// keeps its deadline and cancel.
package main

import (
	"context"
	"time"
)

type requestIDKey struct{}

// fetch stands for a downstream call that honours its context.
func fetch(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Millisecond):
	}
}

func serve(req context.Context) {
	ctx := context.WithValue(req, requestIDKey{}, "r-42")
	fetch(ctx)
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	serve(req)
}
