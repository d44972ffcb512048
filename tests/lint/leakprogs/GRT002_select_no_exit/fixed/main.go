// GRT002 select-no-exit, fixed form: the owner closes a done channel and
// the worker returns when it fires.
package main

import (
	"fmt"
	"runtime"
	"time"
)

// startWorker sums what arrives on in and reports every tick, until done
// is closed.
func startWorker(in <-chan int, tick <-chan time.Time, done <-chan struct{}) {
	go func() {
		sum := 0
		for {
			select {
			case <-done:
				return
			case v := <-in:
				sum += v
			case <-tick:
				_ = sum
			}
		}
	}()
}

// process is the caller: it feeds the worker and stops it on the way out.
func process(items []int) {
	in := make(chan int)
	done := make(chan struct{})
	defer close(done)
	startWorker(in, nil, done)
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
