// CTX006 dynamic proof, case deferred_cancel, fixed version: handle waits
// for its goroutine (sync.WaitGroup) before the deferred cancel runs.
//
// Prints leaked=N where N is the number of goroutines whose work was
// abandoned because their context was cancelled under them (see the leak
// version for why CTX006 counts abandoned work, not goroutines).
package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
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

// handle waits for the write before its deferred cancel runs.
func handle(parent context.Context, id int) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		record(ctx, id)
	}()
	wg.Wait()
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
