package grt002

import (
	"context"
	"errors"
	"log"
	"os"
	"runtime"
	"sync"
	"time"
)

// rangeChan ends when the owner closes the channel.
func rangeChan(in chan event) {
	go func() {
		for e := range in {
			handle(e)
		}
	}()
}

// ctxDone returns when the context is cancelled.
func ctxDone(ctx context.Context, in <-chan event) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-in:
				handle(e)
			}
		}
	}()
}

// doneChan is stopped by a done channel the owner closes.
func doneChan(in <-chan event) (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case e := <-in:
				handle(e)
			}
		}
	}()
	return func() { close(done) }
}

// closeCheck leaves when the channel is closed.
func closeCheck(in chan event) {
	go func() {
		for {
			e, ok := <-in
			if !ok {
				return
			}
			handle(e)
		}
	}()
}

// labelledBreak leaves the loop from inside the select.
func labelledBreak(ctx context.Context, in <-chan event) {
	go func() {
	loop:
		for {
			select {
			case <-ctx.Done():
				break loop
			case e := <-in:
				handle(e)
			}
		}
		flush()
	}()
}

// timerReset re-arms one timer per iteration and stops with the context.
func timerReset(ctx context.Context) {
	go func() {
		t := time.NewTimer(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				flush()
				t.Reset(time.Second)
			}
		}
	}()
}

// waitGroupJoin: the loop returns on error and the caller waits.
func waitGroupJoin(in <-chan event) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			e := <-in
			if e.id < 0 {
				return
			}
			handle(e)
		}
	}()
	wg.Wait()
}

// panics leaves through a panic.
func panics(in <-chan event) {
	go func() {
		for {
			if e := <-in; e.id < 0 {
				panic(errors.New("bad event"))
			}
		}
	}()
}

// fatal leaves through log.Fatal, os.Exit or runtime.Goexit.
func fatal(in <-chan event) {
	go func() {
		for {
			switch e := <-in; e.id {
			case -1:
				log.Fatal("bad event")
			case -2:
				os.Exit(2)
			case -3:
				runtime.Goexit()
			}
		}
	}()
}

// mustHelper calls a package helper that panics.
func mustHelper(in <-chan event) {
	go func() {
		for {
			check(<-in)
		}
	}()
}

func check(e event) {
	if e.id < 0 {
		panic("bad event")
	}
}

// spinning never blocks: syntax cannot tell whether it ends (silent).
func spinning(work func() bool) {
	go func() {
		for {
			work()
		}
	}()
}

// pollWithDefault never waits in its select.
func pollWithDefault(in <-chan event) {
	go func() {
		for {
			select {
			case e := <-in:
				handle(e)
			default:
				runtime.Gosched()
			}
		}
	}()
}

// onceStarted is a process-wide singleton started under sync.Once.
var (
	once    sync.Once
	updates = make(chan event)
)

func onceStarted() {
	once.Do(func() {
		go func() {
			for {
				handle(<-updates)
			}
		}()
	})
}

// fromInit lives as long as the program.
func init() {
	go func() {
		for {
			time.Sleep(time.Minute)
			flush()
		}
	}()
}

// startClosing launches a named function that ends when in is closed.
func startClosing(in chan event) {
	go drainUntilClosed(in)
}

// functionValue starts a function value: syntax cannot tell what it runs.
func functionValue(f func()) {
	go f()
}

// gotoOut leaves the loop with goto.
func gotoOut(in <-chan event) {
	go func() {
		for {
			if e := <-in; e.id < 0 {
				goto out
			}
		}
	out:
		flush()
	}()
}

// conditionLoop has a condition: not an endless loop by syntax.
func conditionLoop(in <-chan event, running func() bool) {
	go func() {
		for running() {
			handle(<-in)
		}
	}()
}

// bufferedResult is the buffered-result idiom: no loop at all.
func bufferedResult() <-chan int {
	out := make(chan int, 1)
	go func() { out <- 42 }()
	return out
}

var sigUpdates chan event

// handOnce is a hand-written once: the package variable guards a second
// start, so one goroutine serves the whole process.
func handOnce() {
	if sigUpdates != nil {
		return
	}
	sigUpdates = make(chan event)
	go func() {
		for {
			handle(<-sigUpdates)
		}
	}()
}

type runner interface{ loop() }

// startInterface launches a method of an interface: anything may run.
func startInterface(r runner) {
	go r.loop()
}

var pumpStarted bool

// boolOnce is a hand-written once on a bool.
func boolOnce(in <-chan event) {
	if pumpStarted {
		return
	}
	pumpStarted = true
	go func() {
		for {
			handle(<-in)
		}
	}()
}
