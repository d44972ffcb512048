// CTX006 dynamic proof, case deferred_cancel, flagged version.
//
// For CTX006 the damage is not a blocked goroutine but abandoned work: the
// goroutine's context ends when the function that started it returns, so
// its work is cut short.  This program therefore prints leaked=N where N
// is the number of goroutines whose work was abandoned because their
// context was cancelled under them (not a NumGoroutine difference); the
// fixed version waits for its goroutines and prints leaked=0.
package main

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var abandoned atomic.Int64

// save stands for a write that takes a while and honours its context.
func save(ctx context.Context, id int) error {
	select {
	case <-time.After(50 * time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func record(ctx context.Context, id int) {
	if err := save(ctx, id); err != nil {
		abandoned.Add(1)
	}
}

// handle starts the write and returns: the deferred cancel ends ctx at once.
func handle(parent context.Context, id int) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	go func() {
		record(ctx, id)
	}()
	return nil
}

func main() {
	for id := 0; id < 3; id++ {
		_ = handle(context.Background(), id)
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", abandoned.Load())
}
