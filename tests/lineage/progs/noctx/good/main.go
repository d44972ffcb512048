// Cause 1, correct: the goroutine is given the request's context, so the
// request's deadline ends the job too.
package main

import (
	"context"
	"sync"
	"time"
)

func poll(ctx context.Context) {
	<-ctx.Done()
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func(parent context.Context) {
		defer wg.Done()
		ctx, stop := context.WithCancel(parent)
		defer stop()
		poll(ctx)
	}(req)
	wg.Wait()
}
