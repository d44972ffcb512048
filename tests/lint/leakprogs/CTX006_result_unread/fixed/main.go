// CTX006 dynamic proof, case result_unread, fixed version: warm receives
// the result from the goroutine before its deferred cancel runs.
//
// Prints leaked=N where N is the number of goroutines whose work was
// abandoned because their context was cancelled under them (see the leak
// version for why CTX006 counts abandoned work, not goroutines).
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

// warm waits for the fetch's result before returning.
func warm(parent context.Context, id int) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	tctx := context.WithValue(ctx, traceKey{}, id)
	errc := make(chan error, 1)
	go func(c context.Context) {
		errc <- fetch(c, id)
	}(tctx)
	if err := <-errc; err != nil {
		fmt.Println("fetch:", err)
	}
}

func main() {
	for id := 0; id < 4; id++ {
		warm(context.Background(), id)
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", abandoned.Load())
}
