package res004

import (
	"context"
	"time"
)

// pollUntilClosed returns before re-arming once the poller is closed.
func (p *poller) pollUntilClosed() {
	if p.closed {
		return
	}
	p.refresh()
	time.AfterFunc(time.Minute, p.pollUntilClosed)
}

// pollCtx re-arms only while the context is alive.
func pollCtx(ctx context.Context) {
	work()
	if ctx.Err() == nil {
		time.AfterFunc(time.Second, func() { pollCtx(ctx) })
	}
}

// keptAndStopped keeps the *Timer; Close stops it.
func (p *poller) keptAndStopped() {
	p.refresh()
	p.timer = time.AfterFunc(time.Second, p.keptAndStopped)
}

// Close stops the chain.
func (p *poller) Close() { p.timer.Stop() }

// oneShot runs something else once.
func oneShot() {
	time.AfterFunc(time.Second, work)
}

// limited re-arms a bounded number of times.
func limited(n int) {
	work()
	if n < 3 {
		time.AfterFunc(time.Second, func() { limited(n + 1) })
	}
}

// timerReset is the loop with one timer, reset every round.
func timerReset(ctx context.Context) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			work()
			t.Reset(time.Second)
		}
	}
}

// returned hands the *Timer to the caller, who can stop it.
func (p *poller) returned() *time.Timer {
	p.refresh()
	return time.AfterFunc(time.Second, func() { p.returned() })
}

// resetInside keeps the timer and resets it from the callback.
func resetInside(d time.Duration) *time.Timer {
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		work()
		t.Reset(d)
	})
	return t
}

// quitChannel checks a stop channel before re-arming.
func (p *poller) quitChannel() {
	select {
	case <-p.quit:
		return
	default:
	}
	p.refresh()
	time.AfterFunc(time.Second, p.quitChannel)
}

// otherReceiver schedules another poller, not itself.
func (p *poller) otherReceiver(q *poller) {
	p.refresh()
	time.AfterFunc(time.Second, q.otherReceiver2)
}

func (p *poller) otherReceiver2() {}

// tickerLoop uses a ticker it stops.
func tickerLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			work()
		}
	}
}

// differentVar re-arms a different function stored in a variable.
func differentVar() {
	var first, second func()
	second = work
	first = func() {
		time.AfterFunc(time.Second, second)
	}
	first()
}
