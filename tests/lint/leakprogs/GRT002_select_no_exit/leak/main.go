// GRT002 select-no-exit, leaking form: the worker's for/select has no way
// out, so it outlives process() and waits forever on a channel nobody
// sends to again.
package main

import (
	"fmt"
	"runtime"
	"time"
)

// startWorker sums what arrives on in and reports every tick.
func startWorker(in <-chan int, tick <-chan time.Time) {
	go func() {
		sum := 0
		for {
			select {
			case v := <-in:
				sum += v
			case <-tick:
				_ = sum
			}
		}
	}()
}

// process is the caller: it feeds the worker and returns.
func process(items []int) {
	in := make(chan int)
	startWorker(in, nil)
	for _, it := range items {
		in <- it
	}
}

func main() {
	before := runtime.NumGoroutine()
	process([]int{1, 2, 3})
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
