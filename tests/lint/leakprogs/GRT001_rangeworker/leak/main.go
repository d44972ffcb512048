// Command main feeds a list with a bad item to process, whose worker
// ranges over a jobs channel. It prints leaked=N, the goroutines still
// alive after process returned (tests/lint/leakprogs.sh).
package main

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

var errNegative = errors.New("negative item")

// process hands each item to a worker and stops at the first bad one.
func process(items []int) error {
	jobs := make(chan int)
	go func() {
		for j := range jobs {
			_ = j * j
		}
	}()
	for _, it := range items {
		if it < 0 {
			return errNegative
		}
		jobs <- it
	}
	close(jobs)
	return nil
}

func main() {
	before := runtime.NumGoroutine()
	if err := process([]int{1, 2, -3, 4}); err == nil {
		fmt.Println("the bad item was not seen")
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
