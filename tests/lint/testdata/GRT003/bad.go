// Package grt003 holds the testdata of GRT003 goroutine-ignores-context:
// goroutines with a context in reach whose blocking loop never looks at it.
package grt003

import (
	"context"
	"net/http"
	"os/signal"
	"time"
)

type event struct{ id int }

func handle(event) {}

func flush() {}

func start(context.Context) {}

type watcher struct {
	stop   chan struct{}
	events chan event
}

// stopChannelOnly leaves on its own stop channel but ignores ctx, its
// parameter.
func stopChannelOnly(stop <-chan struct{}, in <-chan event) {
	go func(ctx context.Context) { // want "goroutine ignores ctx: its for loop \\(line 29\\) waits"
		for {
			select {
			case <-stop:
				return
			case e := <-in:
				handle(e)
			}
		}
	}(context.Background())
}

// capturedOutsideLoop uses ctx before the loop only.
func capturedOutsideLoop(ctx context.Context, in <-chan event) {
	go func() { // want "goroutine ignores ctx"
		if ctx.Err() != nil {
			return
		}
		for {
			e, ok := <-in
			if !ok {
				return
			}
			handle(e)
		}
	}()
}

// namedWorker takes a context it never consults in its loop.
func namedWorker(ctx context.Context, w *watcher) {
	for {
		select {
		case <-w.stop:
			return
		case e := <-w.events:
			handle(e)
		}
	}
}

// startNamed launches the named worker.
func startNamed(ctx context.Context, w *watcher) {
	go namedWorker(ctx, w) // want "goroutine ignores ctx: its for loop \\(line 58\\)"
}

// startOtherFile launches a worker declared in another file.
func startOtherFile(ctx context.Context, in <-chan event) {
	go sleepyWorker(ctx, in) // want "goroutine sleepyWorker ignores ctx: its for loop \\(other.go:"
}

// (w *watcher) loop is a method taking a context.
func (w *watcher) loop(ctx context.Context) {
	for {
		e := <-w.events
		if e.id < 0 {
			return
		}
		handle(e)
	}
}

// Run starts the method loop.
func (w *watcher) Run(ctx context.Context) {
	go w.loop(ctx) // want "goroutine ignores ctx"
}

// derivedUnused makes a timeout context and uses it only for the first call.
func derivedUnused(parent context.Context, in <-chan event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	go func() { // want "goroutine ignores ctx"
		defer cancel()
		start(ctx)
		for {
			time.Sleep(time.Second)
			if e := <-in; e.id < 0 {
				return
			}
		}
	}()
}

// requestContext captures r.Context() and polls without it.
func requestContext(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	done := make(chan struct{})
	go func() { // want "goroutine ignores ctx"
		_ = ctx
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Second):
				flush()
			}
		}
	}()
	close(done)
}

// signalContext ignores the signal context it captured.
func signalContext(in <-chan event) {
	ctx, stop := signal.NotifyContext(context.Background())
	defer stop()
	go func() { // want "goroutine ignores ctx"
		defer func() { _ = ctx }()
		for {
			if e := <-in; e.id < 0 {
				break
			}
		}
	}()
}

// panicsOut leaves only by panicking.
func panicsOut(ctx context.Context, in <-chan event) {
	go func(ctx context.Context) { // want "goroutine ignores ctx"
		for {
			if e := <-in; e.id < 0 {
				panic("bad event")
			}
		}
	}(ctx)
}

// secondLoop consults ctx in its first loop but not in the second.
func secondLoop(ctx context.Context, in <-chan event) {
	go func() { // want "for loop \\(line 166\\)"
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-in:
				if e.id == 0 {
					break
				}
			}
			break
		}
		for {
			if e := <-in; e.id < 0 {
				return
			}
		}
	}()
}

// sendWithErrorExit sends results and returns only on a nil channel read.
func sendWithErrorExit(ctx context.Context, out chan<- int, errs <-chan error) {
	go func(c context.Context) { // want "goroutine ignores c"
		for i := 0; ; i++ {
			select {
			case out <- i:
			case <-errs:
				return
			}
		}
	}(ctx)
}
