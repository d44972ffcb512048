package grt001

import (
	"context"
	"sync"
	"time"
)

// buffered gives the result channel room for the one value: the sender
// never blocks.
func buffered(ctx context.Context) (int, error) {
	ch := make(chan result, 1)
	go func() { ch <- fetch() }()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// group is a minimal stand-in for errgroup.Group.
type group struct{ wg sync.WaitGroup }

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() { defer g.wg.Done(); _ = f() }()
}

func (g *group) Wait() error { g.wg.Wait(); return nil }

// errgroupStyle hands the sending closure to an errgroup: the closure's
// lifetime is the group's, not followed.
func errgroupStyle(ctx context.Context) error {
	var g group
	ch := make(chan int)
	g.Go(func() error {
		select {
		case ch <- 1:
		case <-ctx.Done():
		}
		return nil
	})
	go func() { _ = g.Wait(); close(ch) }()
	for range ch {
	}
	return nil
}

// waitGroupJoin closes the results after every sender is done; the
// function ranges until the close.
func waitGroupJoin(items []int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- it
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	sum := 0
	for v := range results {
		sum += v
	}
	return sum
}

// countedJoin receives once per goroutine started.
func countedJoin(n int) {
	done := make(chan bool)
	for i := 0; i < n; i++ {
		go func() { done <- true }()
	}
	for i := 0; i < n; i++ {
		<-done
	}
}

// ownerCloses: the owner closes done on every path with defer; the
// goroutine waits for it.
func ownerCloses(work func()) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		<-done
		work()
	}()
	work()
}

// senderSelects: the sender itself gives up when ctx ends.
func senderSelects(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		select {
		case ch <- fetch().v:
		case <-ctx.Done():
		}
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// drainOnTimeout receives the late value on the way out.
func drainOnTimeout() int {
	ch := make(chan int)
	go func() { ch <- fetch().v }()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		go func() { <-ch }()
		return 0
	}
}

// plainReceive always waits for the value.
func plainReceive() int {
	ch := make(chan int)
	go func() { ch <- fetch().v }()
	return <-ch
}

// producer returns its channel: the caller receives (not followed).
func producer() <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		ch <- 1
	}()
	return ch
}

type pipeline struct{ out chan int }

// stored keeps the channel in a struct: others receive.
func (p *pipeline) stored() {
	ch := make(chan int)
	p.out = ch
	go func() { ch <- 1 }()
}

// semaphore: the slot is taken before the goroutine starts, which frees
// it when done.
func semaphore(items []int, work func(int)) {
	sem := make(chan struct{}, 4)
	for _, it := range items {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			work(it)
		}()
	}
}

// timerReset waits with one timer reset per round; the value always
// arrives before the function leaves the loop.
func timerReset(rounds int) int {
	ch := make(chan int)
	go func() {
		for i := 0; i < rounds; i++ {
			ch <- i
		}
		close(ch)
	}()
	t := time.NewTimer(time.Second)
	defer t.Stop()
	n := 0
	for v := range ch {
		t.Reset(time.Second)
		n += v
	}
	return n
}

// panicsOtherwise: the other path panics; nothing returns.
func panicsOtherwise(ok bool) int {
	ch := make(chan int)
	go func() { ch <- 1 }()
	if !ok {
		panic("not ok")
	}
	return <-ch
}

// suppressed documents why the sender may stay.
func suppressed(ctx context.Context) int {
	//leakscope:ignore GRT001 the sender is a process-lifetime singleton
	ch := make(chan int)
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// sendInSelect reaches its end without a send only if a case that cannot
// fire in practice is taken: the end of the main path is not judged.
func sendInSelect() {
	c := make(chan bool)
	never := make(chan bool)
	go func() { <-c }()
	select {
	case c <- true:
	case never <- true:
	}
}

// outcomeChannels: the goroutine reports either an error or done, never
// both, so taking the done case leaves no sender behind.
func outcomeChannels(fetchAll func() error) error {
	errs := make(chan error)
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
	}
}

// ---- flag loops (docs/accuracy.md, "More modules") ----------------------

// pollUntilDone polls while the worker runs; only the receive's case ends
// the loop, so the function always receives.
func pollUntilDone(poll func()) {
	doneCh := make(chan struct{})
	go func() {
		defer func() { doneCh <- struct{}{} }()
		fetch()
	}()
	done := false
	for !done {
		poll()
		select {
		case <-doneCh:
			done = true
		default:
		}
	}
}

// pollVarFlag: the same with a zero-valued var flag.
func pollVarFlag(poll func()) {
	doneCh := make(chan int)
	go func() { doneCh <- fetch().v }()
	var done bool
	for !done {
		select {
		case <-doneCh:
			done = true
		case <-time.After(time.Millisecond):
			poll()
		}
	}
}
