// Package res002 holds the testdata of RES002 timer-not-stopped: tickers
// and timers that nothing stops.  go.mod says go 1.22, so the findings are
// errors: before Go 1.23 an unstopped timer is never freed.
package res002

import (
	"context"
	"errors"
	"time"
)

var errStep = errors.New("step failed")

func step() error { return nil }

func work() {}

// earlyReturn stops the ticker only after a check that can return first.
func earlyReturn() error {
	t := time.NewTicker(time.Second) // want "ticker is not stopped on every path.*never freed before Go 1.23"
	if err := step(); err != nil {
		return err
	}
	defer t.Stop()
	<-t.C
	return nil
}

// neverStopped uses a ticker and falls off the end.
func neverStopped(n int) {
	tick := time.NewTicker(time.Millisecond) // want "defer tick.Stop\\(\\)"
	for i := 0; i < n; i++ {
		<-tick.C
		work()
	}
}

// goroutineClock hands only the channel to a goroutine: the ticker is never
// stopped (the goroutine cannot stop it through C).
func goroutineClock() {
	ticker := time.NewTicker(5 * time.Second) // want "not stopped on every path"
	go func() {
		for range ticker.C {
			work()
		}
	}()
}

// ctxDone leaves the timer running when the context ends first.
func ctxDone(ctx context.Context) error {
	timer := time.NewTimer(time.Minute) // want "timer is not stopped on every path"
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// switchArm forgets Stop in one arm.
func switchArm(mode int) {
	t := time.NewTicker(time.Second) // want "not stopped on every path"
	switch mode {
	case 0:
		t.Stop()
	case 1:
		<-t.C
	default:
		t.Stop()
	}
}

// loopForever is the clock of a loop that never ends: nothing stops it.
func loopForever(ch chan<- int) {
	t := time.NewTicker(time.Second) // want "ticker is never stopped"
	for {
		select {
		case <-t.C:
			ch <- 1
		}
	}
}

// perIteration makes a new ticker on every iteration and never stops any.
func perIteration(ctx context.Context, jobs []int) {
	for range jobs {
		t := time.NewTicker(time.Second) // want "not stopped on every path"
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

// discardedTimer throws the timer away: it can never be stopped.
func discardedTimer() {
	_ = time.NewTimer(time.Hour) // want "discarded, so it can never be stopped"
}

// tickInFunction uses time.Tick in a function that returns.
func tickInFunction(ctx context.Context) {
	for {
		select {
		case <-time.Tick(time.Second): // want "time.Tick can never be stopped"
			work()
		case <-ctx.Done():
			return
		}
	}
}

// tickInClosure uses time.Tick inside a goroutine whose loop can end: the
// ticker keeps firing after the return.
func tickInClosure(done func() bool) {
	go func() {
		for range time.Tick(time.Minute) { // want "time.Tick can never be stopped"
			if done() {
				return
			}
			work()
		}
	}()
}

// tickUntilBreak leaves the range by a break.
func tickUntilBreak(n int) {
	for range time.Tick(time.Second) { // want "time.Tick can never be stopped"
		n--
		if n == 0 {
			break
		}
	}
	work()
}

// resetOnly re-arms the timer but never stops it when the loop ends.
func resetOnly(ctx context.Context, d time.Duration) {
	var t = time.NewTimer(d) // want "timer is not stopped on every path"
	for {
		select {
		case <-t.C:
			work()
			t.Reset(d)
		case <-ctx.Done():
			return
		}
	}
}

// errorPath stops the timer on success but not on the error path.
func errorPath(d time.Duration) error {
	t := time.NewTimer(d) // want "this return does not stop it|not stopped"
	if err := step(); err != nil {
		return errStep
	}
	t.Stop()
	return nil
}

// A flag loop that another case ends: the timer may not have fired.
func flagByOtherCase(quit chan struct{}) {
	timer := time.NewTimer(time.Second) // want "timer is not stopped on every path"
	for running := true; running; {
		select {
		case <-quit:
			running = false
		case <-timer.C:
			running = false
		}
	}
}

// A flag that a closure may set is not followed: the loop may be skipped
// as far as the rule knows, and the timer may never have fired.
func flagShared(quit chan struct{}) {
	timer := time.NewTimer(time.Second) // want "timer is not stopped on every path"
	running := true
	go func() {
		<-quit
		running = false
	}()
	for running {
		<-timer.C
	}
}

// A ticker ended by a flag and never stopped after the loop.
func tickUntilFlag() {
	tk := time.NewTicker(time.Second) // want "ticker is not stopped on every path"
	for running := true; running; {
		<-tk.C
		if ready() {
			running = false
		}
	}
}
func ready() bool { return true }

// firstError: a `var` flag that another case sets leaves the timer armed.
func firstError(errs chan string) string {
	tm := time.NewTimer(time.Second) // want "timer is not stopped on every path"
	var done bool
	var last string
	for !done {
		select {
		case last = <-errs:
			done = true
		case <-tm.C:
			panic("no error reported")
		}
	}
	return last
}
