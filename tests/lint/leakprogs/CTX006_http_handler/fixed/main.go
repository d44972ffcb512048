// CTX006 dynamic proof, case http_handler, fixed version: the goroutine
// gets context.WithoutCancel(r.Context()) (go.mod says Go 1.22), which
// keeps the request's values but not its cancellation.
//
// Prints leaked=N where N is the number of goroutines whose work was
// abandoned because their context was cancelled under them (see the leak
// version for why CTX006 counts abandoned work, not goroutines).
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
	go audit(context.WithoutCancel(r.Context()), r.URL.Path)
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
