// GRT002 sleep-poller, fixed form: the poller takes a context, waits on a
// ticker and returns when the context is cancelled.
package main

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var polls atomic.Int64

// startPoller polls every 10 ms until ctx is done.
func startPoller(ctx context.Context) {
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				polls.Add(1)
			}
		}
	}()
}

// session is the caller: it cancels the poller on the way out.
func session() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	startPoller(ctx)
	time.Sleep(30 * time.Millisecond)
}

func main() {
	before := runtime.NumGoroutine()
	session()
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
