// Package grt001 holds the testdata of GRT001 abandoned-sender: goroutines
// that block forever because the function that started them can return
// without the other half of a channel operation.
package grt001

import (
	"context"
	"errors"
	"net/http"
	"time"
)

type result struct {
	v   int
	err error
}

var errBad = errors.New("bad")

func fetch() result { return result{} }

// selectDone gives up through ctx.Done(): the sender then blocks forever.
func selectDone(ctx context.Context) (int, error) {
	done := make(chan result) // want "done is unbuffered .*the select can take case <-ctx.Done\\(\\) instead.*make\\(chan result, 1\\)"
	go func() {
		done <- fetch()
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// selectTimeout gives up after a timer fires.
func selectTimeout() (int, error) {
	ch := make(chan int) // want "the select can take case <-time.After\\(time.Second\\) instead"
	go func() {
		ch <- fetch().v
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(time.Second):
		return 0, errBad
	}
}

// selectDefault does not wait at all when the value is not ready.
func selectDefault() int {
	ch := make(chan int) // want "the select can take its default case instead"
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		return v
	default:
		return 0
	}
}

// selectQuit leaves when another channel fires.
func selectQuit(quit <-chan struct{}) int {
	ch := make(chan int) // want "the select can take case <-quit instead"
	go func() { ch <- fetch().v }()
	select {
	case v := <-ch:
		return v
	case <-quit:
		return 0
	}
}

// earlyReturn returns on an error before it receives.
func earlyReturn(check func() error) (int, error) {
	ch := make(chan int) // want "on a path that skips the receive"
	go func() { ch <- fetch().v }()
	if err := check(); err != nil {
		return 0, err
	}
	return <-ch, nil
}

// nobodyReceives starts a sender and forgets about it.
func nobodyReceives() {
	ch := make(chan int) // want "nothing ever receives from it"
	go func() { ch <- 1 }()
}

func compute(out chan<- result) {
	out <- fetch()
}

// namedSender launches a same-package function that sends.
func namedSender(ctx context.Context) error {
	out := make(chan result) // want "goroutine started on line 97 sends on it"
	go compute(out)
	select {
	case r := <-out:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

type client struct{ n int }

func (c *client) ask(out chan int) { out <- c.n }

// methodSender launches a method of the receiver that sends.
func (c *client) methodSender(ctx context.Context) int {
	out := make(chan int) // want "out is unbuffered"
	go c.ask(out)
	select {
	case v := <-out:
		return v
	case <-ctx.Done():
		return 0
	}
}

// literalParam passes the channel to the literal as a parameter.
func literalParam(ctx context.Context) int {
	ch := make(chan int, 0) // want "make\\(chan int, 1\\)"
	go func(out chan<- int) {
		out <- 1
	}(ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// varForm declares the channel with var.
func varForm(ctx context.Context) int {
	var ch = make(chan int) // want "ch is unbuffered"
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// manySenders starts one sender per item and leaves on ctx.Done(): the
// rest block; one slot is not enough, so no single-value buffer is offered.
func manySenders(ctx context.Context, items []int) (int, error) {
	ch := make(chan int) // want "buffer for every value sent"
	for _, it := range items {
		go func() { ch <- it * 2 }()
	}
	sum := 0
	for range items {
		select {
		case v := <-ch:
			sum += v
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return sum, nil
}

// handler is a function literal: the closure is the function checked.
func handler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ch := make(chan int) // want "the function literal can return without receiving"
		go func() { ch <- fetch().v }()
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}

// rangeNotClosed: the worker ranges over jobs, which an early return
// leaves open (the mirror case).
func rangeNotClosed(list []int) error {
	jobs := make(chan int) // want "waits on jobs, but rangeNotClosed can return without closing it"
	go func() {
		for j := range jobs {
			_ = j
		}
	}()
	for _, j := range list {
		if j < 0 {
			return errBad
		}
		jobs <- j
	}
	close(jobs)
	return nil
}

// waitNeverSent: the goroutine waits for a signal that an error path
// never gives.
func waitNeverSent(start func() error) error {
	ready := make(chan struct{}) // want "waits on ready, but waitNeverSent can return without sending on or closing it"
	go func() {
		<-ready
		_ = fetch()
	}()
	if err := start(); err != nil {
		return err
	}
	close(ready)
	return nil
}

// stopNeverClosed: nothing ever closes stop, so the goroutine waits for
// good.
func stopNeverClosed() {
	stop := make(chan struct{}) // want "waits on stop, but stopNeverClosed can return without sending on or closing it"
	go func() {
		<-stop
		_ = fetch()
	}()
}

// outcomeOrCancel: like an error-or-done pair, but ctx.Done() can also
// end the wait while the error is being sent.
func outcomeOrCancel(ctx context.Context, fetchAll func() error) error {
	errs := make(chan error) // want "the select can take case <-ctx.Done\\(\\) instead"
	done := make(chan struct{})
	go func() {
		if err := fetchAll(); err != nil {
			errs <- err
			return
		}
		close(done)
	}()
	select {
	case err := <-errs:
		return err
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pollOrGiveUp: another case sets the flag too, so the loop can end
// without receiving.
func pollOrGiveUp(poll func() bool) {
	doneCh := make(chan struct{}) // want "doneCh is unbuffered"
	go func() {
		fetch()
		doneCh <- struct{}{}
	}()
	done := false
	for !done {
		select {
		case <-doneCh:
			done = true
		default:
			done = poll()
		}
	}
}
