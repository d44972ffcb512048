// Command main runs lookup the way a request handler would: the backend
// answers only after the caller's deadline has passed. It prints
// leaked=N, the goroutines still alive after lookup returned
// (tests/lint/leakprogs.sh).
package main

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// release holds the backend's answer back until main lets it go, so the
// deadline always wins the race.
var release = make(chan struct{})

func slowBackend() int {
	<-release
	return 42
}

// lookup asks the backend on another goroutine so that it can give up
// when ctx ends.
func lookup(ctx context.Context) (int, error) {
	done := make(chan int)
	go func() {
		done <- slowBackend()
	}()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func main() {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	_, err := lookup(ctx)
	cancel()
	if err == nil {
		fmt.Println("the deadline did not fire first")
	}
	close(release)
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
