package res001

import (
	"context"
	"errors"
	"time"
)

var errTimeout = errors.New("timeout")

// outsideLoop waits once: one timer per call.
func outsideLoop(in <-chan int) (int, error) {
	select {
	case v := <-in:
		return v, nil
	case <-time.After(time.Second):
		return 0, errTimeout
	}
}

// oneShot is in a loop, but every case leaves it: at most one timer is
// armed per call.
func oneShot(in <-chan int) int {
	for {
		select {
		case v := <-in:
			return v
		case <-time.After(time.Second):
			return -1
		}
	}
}

// backoff sleeps between attempts: the time.After case is the one that
// goes round, so each timer has fired; the other case returns.
func backoff(ctx context.Context, try func() error) error {
	for attempt := 0; attempt < 5; attempt++ {
		if err := try(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
	return errTimeout
}

// sleepLoop has time.After as the only case: a sleep, every timer fires.
func sleepLoop(n int) {
	for i := 0; i < n; i++ {
		select {
		case <-time.After(time.Millisecond):
		}
	}
}

// timerReset is the fix: one timer, reset every round.
func timerReset(in <-chan int) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case v := <-in:
			handle(v)
			if !t.Stop() {
				<-t.C
			}
			t.Reset(time.Minute)
		case <-t.C:
			return
		}
	}
}

// deadlineOutside makes the timeout channel once, before the loop.
func deadlineOutside(in <-chan int) {
	timeout := time.After(time.Minute)
	for {
		select {
		case v := <-in:
			handle(v)
		case <-timeout:
			return
		}
	}
}

// ctxDeadline uses a context deadline instead.
func ctxDeadline(parent context.Context, in <-chan int) error {
	ctx, cancel := context.WithTimeout(parent, time.Minute)
	defer cancel()
	for {
		select {
		case v := <-in:
			handle(v)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// goroutinePerItem gives every goroutine its own timeout: the select is
// not in a loop of the function it belongs to.
func goroutinePerItem(items []int, out chan<- int) {
	for _, it := range items {
		go func(v int) {
			select {
			case out <- v:
			case <-time.After(time.Second):
			}
		}(it)
	}
}

// breakToLabel leaves the loop from the other case.
func breakToLabel(in <-chan int) {
loop:
	for {
		select {
		case v := <-in:
			handle(v)
			break loop
		case <-time.After(time.Second):
		}
	}
}

// afterSelectReturn returns after the select on every path.
func afterSelectReturn(in <-chan int) {
	for {
		select {
		case v := <-in:
			handle(v)
		case <-time.After(time.Second):
		}
		return
	}
}

// panicCase panics in the other case.
func panicCase(in <-chan int) {
	for {
		select {
		case <-in:
			panic("unexpected message")
		case <-time.After(time.Millisecond):
		}
	}
}

// tickerLoop uses a ticker made once.
func tickerLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			handle(0)
		}
	}
}

// localTime calls a field named After, not the time package's.
func localTime(in <-chan int) {
	type clock struct {
		After func(time.Duration) <-chan time.Time
	}
	var c clock
	for {
		select {
		case <-in:
		case <-c.After(time.Second):
			return
		}
	}
}

// request stands for a call that fails once ctx is done.
func request(ctx context.Context) error { return ctx.Err() }

// retryUntilDone waits between retries; when ctx is done the next request
// fails and the loop ends, so the Done case does not go round for ever.
func retryUntilDone(ctx context.Context, wait time.Duration) error {
	err := request(ctx)
	for r := 0; errors.Is(err, errTimeout) && r < 10; r++ {
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		err = request(ctx)
	}
	return err
}

// worker has a quit channel that its owner closes to stop it.
type worker struct {
	quit chan struct{}
	ok   func() bool
}

// Close stops the worker.
func (w *worker) Close() { close(w.quit) }

// retry waits between attempts; after quit is closed the loop runs out
// its attempts at once and leaves.
func (w *worker) retry() {
	for i := 0; i < 5 && !w.ok(); i++ {
		select {
		case <-w.quit:
		case <-time.After(time.Second):
		}
	}
}

// quitIntoLoopCondition receives the quit request into the variable the
// loop condition tests: that case ends the loop.
func quitIntoLoopCondition(quit <-chan chan error, beat func() error) {
	var (
		errc chan error
		err  error
	)
	for errc == nil && err == nil {
		select {
		case errc = <-quit:
			continue
		case <-time.After(time.Second):
		}
		err = beat()
	}
	if errc != nil {
		errc <- err
	}
}

// doneFlag sets the flag the loop condition tests.
func doneFlag(stop <-chan int) {
	done := false
	for !done {
		select {
		case <-stop:
			done = true
		case <-time.After(time.Second):
			handle(0)
		}
	}
}
