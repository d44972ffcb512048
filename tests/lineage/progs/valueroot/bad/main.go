// Cause 4: a request-scoped value attached with
// context.WithValue(context.Background(), ...) instead of to the request's
// context: the value survives, the deadline and the cancel are lost.
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
	ctx := context.WithValue(context.Background(), requestIDKey{}, "r-42") // FINDING new-root
	fetch(ctx)
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), 2*time.Second) // HELD
	defer cancel()
	serve(req)
}
