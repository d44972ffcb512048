// CTX006 dynamic proof, case http_handler, flagged version.
//
// For CTX006 the damage is not a blocked goroutine but abandoned work: an
// HTTP handler starts a goroutine with r.Context(), which the server
// cancels as soon as the handler returns.  This program therefore prints
// leaked=N where N is the number of goroutines whose work was abandoned
// because their context was cancelled under them (not a NumGoroutine
// difference); the fixed version detaches the context with
// context.WithoutCancel and prints leaked=0.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"time"
)

var abandoned atomic.Int64

// write stands for a slow store call that honours its context.
func write(ctx context.Context, path string) error {
	select {
	case <-time.After(50 * time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// audit records the request in the background.
func audit(ctx context.Context, path string) {
	if err := write(ctx, path); err != nil {
		abandoned.Add(1)
	}
}

func handler(w http.ResponseWriter, r *http.Request) {
	go audit(r.Context(), r.URL.Path)
	w.WriteHeader(http.StatusAccepted)
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(handler))
	for i := 0; i < 3; i++ {
		resp, err := http.Get(srv.URL + "/x")
		if err != nil {
			fmt.Println("request failed:", err)
			return
		}
		resp.Body.Close()
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	srv.Close()
	fmt.Printf("leaked=%d\n", abandoned.Load())
}
