// Package chanfacts is the input of tests/go/test_chan.c: each function
// shows one thing the channel facts (docs/chanfacts.md) must get right.
package chanfacts

import (
	"context"
	"time"
)

type result struct{ v int }

const four = 4

var global chan int

// selectWithDone: a literal goroutine sends; the function receives in a
// select that can also leave through ctx.Done().
func selectWithDone(ctx context.Context) int {
	done := make(chan result)
	go func() {
		done <- result{1}
	}()
	select {
	case r := <-done:
		return r.v
	case <-ctx.Done():
		return 0
	}
}

// capacities: constant, named constant, expression, constant arithmetic.
func capacities(xs []int) {
	a := make(chan int, 1)
	var b = make(chan int, four)
	c := make(chan int, len(xs))
	var d chan int
	d = make(chan int, 2*four)
	e := make(chan int, 0x10)
	go func() {
		a <- 1
		b <- 1
		c <- 1
		d <- 1
		e <- 1
	}()
}

// named: the channel is passed to same-package functions and a method.
func named(s *server) {
	jobs := make(chan int)
	results := make(chan int, 1)
	go worker(jobs, results)
	go s.drain(results)
	for i := 0; i < 3; i++ {
		jobs <- i
	}
	close(jobs)
}

// escapes: returned, stored, passed on, sent, address taken, reassigned.
func escapes(m map[string]chan int, out chan chan int, use func(chan int)) chan int {
	r := make(chan int)
	s := make(chan int)
	c := make(chan int)
	n := make(chan int)
	a := make(chan int)
	x := make(chan int)
	go func() {}()
	m["k"] = s
	use(c)
	out <- n
	p := &a
	_ = p
	x = nil
	_ = x
	return r
}

// kinds: v, ok receive, range, close, a receive with a timer and a
// default, a loop, and a closure that is not a goroutine.
func kinds() {
	ch := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			ch <- i
		}
		close(ch)
	}()
	v, ok := <-ch
	_, _ = v, ok
	for range ch {
	}
	select {
	case <-ch:
	case <-time.After(time.Second):
	default:
	}
	f := func() { <-ch }
	f()
	func() { <-ch }()
	defer func() { <-ch }()
}

// argument: a literal goroutine gets the channel as a parameter; the
// global channel and an unknown callee.
func argument(run func(chan int)) {
	ch := make(chan int)
	u := make(chan int)
	go func(c chan<- int) {
		c <- 1
	}(ch)
	go run(u)
	global = make(chan int)
	<-ch
}

// nothing: no go statement, so no facts.
func nothing() {
	ch := make(chan int, 1)
	ch <- 1
}

// nested: the channel belongs to the literal that makes it.
func nested() {
	go func() {
		inner := make(chan int)
		go func() { inner <- 1 }()
		<-inner
	}()
}
