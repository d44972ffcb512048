// Command main calls firstResult with an input that fails validation. It
// prints leaked=N, the goroutines still alive after firstResult returned
// (tests/lint/leakprogs.sh).
package main

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

func compute() int {
	time.Sleep(10 * time.Millisecond)
	return 7
}

// firstResult starts the computation early and validates the input while
// it runs.
func firstResult(validate func() error) (int, error) {
	ch := make(chan int, 1)
	go func() { ch <- compute() }()
	if err := validate(); err != nil {
		return 0, err
	}
	return <-ch, nil
}

func main() {
	before := runtime.NumGoroutine()
	_, err := firstResult(func() error { return errors.New("invalid input") })
	if err == nil {
		fmt.Println("validation did not fail")
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
