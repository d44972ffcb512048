package leak

import (
	"context"
	"sync"
	"time"
)

func fanIn(ctx context.Context, chans ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(chans))
	for _, c := range chans {
		go func(c <-chan int) {
			defer wg.Done()
			for v := range c {
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}(c)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

func leaky() int {
	ch := make(chan int)
	go func() {
		ch <- compute() // blocks forever when the timeout wins
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return -1
	}
}

func compute() int { return 42 }

func lostCancel(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx
}

func ticker(ctx context.Context) {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
