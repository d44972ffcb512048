package grt003

import (
	"context"
	"sync"
	"time"
)

func process(ctx context.Context, e event) error { return ctx.Err() }

// selectDone is the idiom: the loop selects on ctx.Done().
func selectDone(ctx context.Context, in <-chan event) {
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

// errCheck consults ctx.Err() each time round.
func errCheck(ctx context.Context, in <-chan event) {
	go func() {
		for {
			if ctx.Err() != nil {
				return
			}
			handle(<-in)
		}
	}()
}

// passesContext hands ctx to a call in the loop: the callee sees it.
func passesContext(ctx context.Context, in <-chan event) {
	go func() {
		for {
			e := <-in
			if err := process(ctx, e); err != nil {
				return
			}
		}
	}()
}

// derivedInLoop derives a timeout context per iteration.
func derivedInLoop(ctx context.Context, in <-chan event) {
	go func() {
		for {
			e := <-in
			cctx, cancel := context.WithTimeout(ctx, time.Second)
			err := process(cctx, e)
			cancel()
			if err != nil {
				return
			}
		}
	}()
}

// doneChannelFromCtx takes ctx.Done() once before the loop.
func doneChannelFromCtx(ctx context.Context, in <-chan event) {
	go func() {
		done := ctx.Done()
		for {
			select {
			case <-done:
				return
			case e := <-in:
				handle(e)
			}
		}
	}()
}

// rangeLoop ends when the owner closes the channel.
func rangeLoop(ctx context.Context, in <-chan event) {
	go func() {
		for e := range in {
			handle(e)
		}
	}()
	_ = ctx
}

// notCaptured: the closure never mentions the constructor's ctx, which is
// for the setup only; the loop has its own stop channel.
func notCaptured(ctx context.Context, stop <-chan struct{}, in <-chan event) {
	_ = ctx.Err()
	go func() {
		for {
			select {
			case <-stop:
				return
			case e := <-in:
				handle(e)
			}
		}
	}()
}

// noExit has no way out at all: that is GRT002's finding, not this rule's.
func noExit(ctx context.Context, in <-chan event) {
	go func(ctx context.Context) {
		for {
			handle(<-in)
		}
	}(ctx)
}

// timerReset re-arms one timer and stops with the context.
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

// waitGroupJoin: the worker stops with the context and the caller waits.
func waitGroupJoin(ctx context.Context, in <-chan event) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-in:
				handle(e)
			}
		}
	}()
	wg.Wait()
}

// startCareful launches a named worker that consults its context.
func startCareful(ctx context.Context, in <-chan event) {
	go carefulWorker(ctx, in)
}

// structHoldsCtx stores ctx in a struct the loop uses.
type job struct{ ctx context.Context }

func (j job) step() error { return j.ctx.Err() }

func structHoldsCtx(ctx context.Context, in <-chan event) {
	go func() {
		j := job{ctx: ctx}
		for {
			<-in
			if err := j.step(); err != nil {
				return
			}
		}
	}()
}

// noContext has no context in reach at all.
func noContext(stop <-chan struct{}, in <-chan event) {
	go func() {
		for {
			select {
			case <-stop:
				return
			case e := <-in:
				handle(e)
			}
		}
	}()
}

// onceStarted is a process-wide singleton.
var once sync.Once

func onceStarted(ctx context.Context, in <-chan event) {
	once.Do(func() {
		go func() {
			_ = ctx
			for {
				if e := <-in; e.id < 0 {
					return
				}
			}
		}()
	})
}

// busyLoop never visibly waits: silent.
func busyLoop(ctx context.Context, work func() bool) {
	go func(ctx context.Context) {
		for {
			if !work() {
				return
			}
		}
	}(ctx)
}
