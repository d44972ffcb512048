// Package grt002 holds the testdata of GRT002 loop-without-exit:
// goroutines whose blocking for loop has no way out.
package grt002

import (
	"context"
	"fmt"
	"sync"
	"time"
)

type event struct{ id int }

func handle(event) {}

func flush() {}

// selectNoExit waits on two channels and never leaves, even when they are
// closed: a closed channel's case just fires again and again.
func selectNoExit(in <-chan event, tick *time.Ticker) {
	go func() { // want "goroutine never ends: its for loop \\(line 22\\) waits in a select"
		for {
			select {
			case e := <-in:
				handle(e)
			case <-tick.C:
				flush()
			}
		}
	}()
}

// plainReceive drains a channel with a bare receive: after close it spins
// on zero values, before close it blocks forever once the owner is gone.
func plainReceive(in chan event) {
	go func() { // want "waits in a channel receive"
		for {
			e := <-in
			handle(e)
		}
	}()
}

// ignoredClose reads the close flag but only logs it.
func ignoredClose(in chan event) {
	go func() { // want "no way out"
		for {
			e, ok := <-in
			if !ok {
				fmt.Println("closed")
				continue
			}
			handle(e)
		}
	}()
}

// sleeper polls every second for as long as the process lives.
func sleeper() {
	go func() { // want "waits in time.Sleep"
		for {
			time.Sleep(time.Second)
			flush()
		}
	}()
}

// ctxUnused has a context at hand but the loop never selects on it.
func ctxUnused(ctx context.Context, in <-chan event) {
	go func() { // want "add `case <-ctx.Done\\(\\): return`"
		for {
			handle(<-in)
		}
	}()
	_ = ctx
}

// breakOnlySelect breaks out of the select, not out of the loop.
func breakOnlySelect(in <-chan event, done <-chan struct{}) {
	go func() { // want "no way out"
		for {
			select {
			case <-done:
				break
			case e := <-in:
				handle(e)
			}
		}
	}()
}

// namedWorker is started by name; its loop never ends.
func namedWorker(out chan<- int) {
	for i := 0; ; i++ {
		out <- i
	}
}

// startNamed launches a package function whose loop has no exit.
func startNamed() <-chan int {
	out := make(chan int)
	go namedWorker(out) // want "waits in a channel send"
	return out
}

// startOtherFile launches a function declared in another file.
func startOtherFile(in chan event) {
	go drainForever(in) // want "goroutine drainForever never ends: its for loop \\(other.go:"
}

type server struct {
	mu    sync.Mutex
	cond  *sync.Cond
	queue []event
}

// loop waits on a condition variable and never stops.
func (s *server) loop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for len(s.queue) == 0 {
			s.cond.Wait()
		}
		handle(s.queue[0])
		s.queue = s.queue[1:]
	}
}

// Start launches a method of its own receiver.
func (s *server) Start() {
	go s.loop() // want "waits in a Wait call"
}

// innerBreak breaks only the inner loop.
func innerBreak(in <-chan []event) {
	go func() { // want "no way out"
		for {
			batch := <-in
			for _, e := range batch {
				if e.id < 0 {
					break
				}
				handle(e)
			}
		}
	}()
}

// labelledInner has a labelled break that targets a loop inside.
func labelledInner(in <-chan event) {
	go func() { // want "no way out"
		for {
		inner:
			for {
				select {
				case e := <-in:
					if e.id == 0 {
						break inner
					}
				}
			}
			flush()
		}
	}()
}

// afterSetup does some work before entering the endless loop.
func afterSetup(in <-chan event) {
	go func() { // want "no way out"
		defer flush()
		seen := 0
		for {
			<-in
			seen++
		}
	}()
}

// inClosureInMain: a goroutine started from a closure is not part of main's
// own lifetime (see cmd/daemon for main itself).
func handlerFactory(in <-chan event) func() {
	return func() {
		go func() { // want "no way out"
			for {
				handle(<-in)
			}
		}()
	}
}

// startLocal launches a method of a local of a package type.
func startLocal() *server {
	s := &server{}
	s.cond = sync.NewCond(&s.mu)
	go s.loop() // want "waits in a Wait call"
	return s
}

// startParam launches a method of a parameter.
func startParam(s *server) {
	go s.loop() // want "waits in a Wait call"
}

// fieldGuard is guarded by a field, not a package variable: one goroutine
// per value, each never ending.
func (s *server) fieldGuard(in <-chan event) {
	if s.queue != nil {
		return
	}
	s.queue = []event{}
	go func() { // want "no way out"
		for {
			handle(<-in)
		}
	}()
}

// ctxCaseNoReturn has a ctx.Done() case that leads nowhere: once the
// context is done the select fires on it again and again.
func ctxCaseNoReturn(ctx context.Context, in <-chan event) {
	go func() { // want "no way out"
		for {
			select {
			case <-ctx.Done():
				fmt.Println("cancelled")
			case e := <-in:
				handle(e)
			}
		}
	}()
}
