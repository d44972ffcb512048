package res002

import (
	"context"
	"time"
)

// deferStop is the idiom.
func deferStop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			work()
		case <-ctx.Done():
			return
		}
	}
}

// stopInAllArms stops in every arm of a switch.
func stopInAllArms(mode int) {
	t := time.NewTicker(time.Second)
	switch mode {
	case 0:
		t.Stop()
	default:
		<-t.C
		t.Stop()
	}
}

// newTicker returns the ticker: the caller stops it.
func newTicker(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	return t
}

// poller keeps its ticker in a field and stops it in Close.
type poller struct {
	ticker *time.Ticker
}

// start stores the ticker in the struct.
func (p *poller) start(d time.Duration) {
	t := time.NewTicker(d)
	p.ticker = t
}

// Close stops the stored ticker.
func (p *poller) Close() { p.ticker.Stop() }

// resetLoop re-arms a timer in a loop and stops it when it leaves.
func resetLoop(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	for {
		select {
		case <-t.C:
			work()
			t.Reset(d)
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// fired waits for the timer: once it fired there is nothing to stop.
func fired(d time.Duration) {
	t := time.NewTimer(d)
	<-t.C
}

// afterIsOther uses time.After, which is RES001's business.
func afterIsOther(ctx context.Context) {
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
}

// stopDrain stops the timer and drains its channel.
func stopDrain(d time.Duration) {
	t := time.NewTimer(d)
	work()
	if !t.Stop() {
		<-t.C
	}
}

// closureStops stops the ticker from a goroutine that owns it.
func closureStops(ctx context.Context) {
	t := time.NewTicker(time.Second)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-t.C:
				work()
			case <-ctx.Done():
				return
			}
		}
	}()
}

// passed hands the ticker to a helper that stops it.
func passed(d time.Duration) {
	t := time.NewTicker(d)
	run(t)
}

func run(t *time.Ticker) { t.Stop() }

// maybeTimer stops the timer only when it was made.
func maybeTimer(d time.Duration) {
	var t *time.Timer
	if d > 0 {
		t = time.NewTimer(d)
	}
	work()
	if t != nil {
		t.Stop()
	}
}

// deferClosure stops in a deferred closure.
func deferClosure(d time.Duration) error {
	t := time.NewTimer(d)
	defer func() { t.Stop() }()
	return step()
}

// ticks is a package-level time.Tick: it lives as long as the program.
var ticks = time.Tick(time.Hour)

// init may use time.Tick: it runs once for the program's life.
func init() {
	go func() {
		for range time.Tick(time.Hour) {
			work()
		}
	}()
}

// namedResult returns the timer through a named result.
func namedResult(d time.Duration) (t *time.Timer) {
	t = time.NewTimer(d)
	return
}

// deferredEarly declares the timer first, defers its Stop, then makes it
// on one path only.
func deferredEarly(d time.Duration) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	if d > 0 {
		timer = time.NewTimer(d)
		work()
	}
}

// watchdog lets a goroutine wait for the timer: it fires and is done.
func watchdog(d time.Duration, cancel func()) {
	t := time.NewTimer(d)
	go func() {
		<-t.C
		cancel()
	}()
}

// nonPositive makes timers and tickers with constant durations <= 0:
// NewTimer fires at once, Tick returns nil, NewTicker panics.
func nonPositive() {
	_ = time.NewTimer(0)
	t := time.NewTimer(-1 * time.Second)
	_ = t
	for range time.Tick(-1) {
	}
	tk := time.NewTicker(time.Duration(-5) * time.Millisecond)
	_ = tk
	time.NewTicker((time.Second - time.Second))
}

// goroutineStops stops the timer in goroutines it starts inside a loop.
func goroutineStops(n int) {
	timer := time.NewTimer(time.Hour)
	for i := 0; i < n; i++ {
		go func() {
			timer.Stop()
		}()
	}
}

// A loop that only a flag ends, and only the timer's case clears the flag:
// when the function returns the timer has fired (go-redis internal_test.go
// polls this way).  The flag is true on the first test, so the loop cannot
// be skipped.
func pollUntilFired() {
	timer := time.NewTimer(time.Second)
	for running := true; running; {
		select {
		case <-timer.C:
			running = false
		default:
			work()
		}
	}
}

// The same with the flag negated and set before the loop, and a Stop after
// the loop for the other way out.
func flagThenStop(quit chan struct{}) {
	timer := time.NewTimer(time.Second)
	finished := false
	for !finished {
		select {
		case <-quit:
			finished = true
		case <-timer.C:
			work()
		}
	}
	timer.Stop()
}

// ---- endless loops over time.Tick (docs/accuracy.md, "More modules") ----

// gcForever is a daemon's collector: the loop has no return, break or goto,
// so the ticker is in use for as long as the goroutine lives.
func gcForever() {
	for range time.Tick(5 * time.Minute) {
		work()
	}
}

// startWorkers starts endless tickers in goroutines; a break inside a
// select or switch leaves only that statement, not the loop.
func startWorkers(in chan int) {
	go func() {
		for range time.Tick(time.Second) {
			select {
			case v := <-in:
				if v < 0 {
					break
				}
				work()
			default:
			}
		}
	}()
}

// quietWindow is a flag loop whose flag starts as a zero-valued `var`: only
// the timer's case ends it, so the timer has fired when the function returns.
func quietWindow(errs chan string) {
	tm := time.NewTimer(time.Second)
	var done bool
	for !done {
		select {
		case e := <-errs:
			if e != "" {
				panic(e)
			}
		case <-tm.C:
			done = true
		}
	}
}
