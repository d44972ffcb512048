// CTX006 dynamic proof, case result_unread, flagged version.
//
// For CTX006 the damage is not a blocked goroutine but abandoned work: the
// goroutine's context (here derived with WithValue from one whose cancel
// is deferred, and passed as an argument) ends when the function returns,
// and the function never reads the result channel.  This program therefore
// prints leaked=N where N is the number of goroutines whose work was
// abandoned because their context was cancelled under them (not a
// NumGoroutine difference); the fixed version receives the result before
// returning and prints leaked=0.
package main

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

type traceKey struct{}

var abandoned atomic.Int64

// fetch stands for a remote call that takes a while and honours its context.
func fetch(ctx context.Context, id int) error {
	select {
	case <-time.After(50 * time.Millisecond):
		return nil
	case <-ctx.Done():
		abandoned.Add(1)
		return ctx.Err()
	}
}

// warm starts the fetch and returns without reading its result.
func warm(parent context.Context, id int) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	tctx := context.WithValue(ctx, traceKey{}, id)
	errc := make(chan error, 1)
	go func(c context.Context) {
		errc <- fetch(c, id)
	}(tctx)
}

func main() {
	for id := 0; id < 4; id++ {
		warm(context.Background(), id)
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", abandoned.Load())
}
