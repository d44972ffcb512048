// Cause 3: a timeout derived from a parent whose deadline has already
// passed. The child's 5 s can never apply: it is done at once, and code
// that does not check ctx.Err() first starts the long task anyway.
package main

import (
	"context"
	"time"
)

// longTask stands for work that only looks at its context when it ends.
func longTask(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Millisecond):
	}
}

func main() {
	req, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// the request's budget is spent here
	time.Sleep(100 * time.Millisecond)
	task, stop := context.WithTimeout(req, 5*time.Second) // FINDING timeout-no-effect
	defer stop()
	longTask(task)
}
