// Package res001 holds the testdata of RES001 time-after-in-loop: a
// time.After select case that a loop reaches again while the timer of the
// last round is still armed.  go.mod says go 1.22, so the findings are
// errors: before Go 1.23 such a timer is not freed until it fires.
package res001

import (
	"context"
	"time"
)

func handle(int) {}

// idleTimeout is the classic shape: every message that arrives before the
// minute is up leaves a one-minute timer behind.
func idleTimeout(in <-chan int) {
	for {
		select {
		case v := <-in:
			handle(v)
		case <-time.After(time.Minute): // want "time.After in a select in a loop makes a timer every round.*Go < 1.23.*time.NewTimer before the loop and Reset"
			return
		}
	}
}

// rangeLoop does the same inside a range loop.
func rangeLoop(items []int, out chan<- int) {
	for _, it := range items {
		select {
		case out <- it:
		case <-time.After(time.Second): // want "makes a timer every round"
		}
	}
}

// defaultCase polls: the default case wins at once, round after round,
// and every round arms a new timer.
func defaultCase(in <-chan int) {
	for i := 0; i < 1000; i++ {
		select {
		case v := <-in:
			handle(v)
		case <-time.After(10 * time.Millisecond): // want "makes a timer every round"
		default:
		}
	}
}

// breakOnlyLeavesSelect: a bare break in a case leaves the select, not the
// loop.
func breakOnlyLeavesSelect(in <-chan int) {
	for {
		select {
		case v := <-in:
			if v < 0 {
				break
			}
			handle(v)
		case <-time.After(time.Second): // want "makes a timer every round"
			return
		}
	}
}

// ctxAndTimeout returns on ctx.Done, but the data case goes round again.
func ctxAndTimeout(ctx context.Context, in <-chan int) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case v := <-in:
			handle(v)
		case <-time.After(30 * time.Second): // want "makes a timer every round"
			return context.DeadlineExceeded
		}
	}
}

// assignedValue receives the fired time into a variable.
func assignedValue(in <-chan int) time.Time {
	for {
		select {
		case v := <-in:
			handle(v)
		case t := <-time.After(time.Second): // want "makes a timer every round"
			return t
		}
	}
}

// gotoLoop loops with goto instead of for.
func gotoLoop(in <-chan int) {
again:
	select {
	case v := <-in:
		handle(v)
		goto again
	case <-time.After(time.Second): // want "makes a timer every round"
	}
}

// innerBreak leaves the inner loop only: the outer loop comes back to the
// select.
func innerBreak(batches [][]int, in <-chan int) {
	for range batches {
		for {
			select {
			case v := <-in:
				handle(v)
			case <-(time.After(time.Second)): // want "makes a timer every round"
			}
			break
		}
	}
}

// labeledContinue continues the loop from inside the select.
func labeledContinue(in <-chan int) {
loop:
	for {
		select {
		case v := <-in:
			if v == 0 {
				continue loop
			}
			return
		case <-time.After(time.Second): // want "makes a timer every round"
			return
		}
	}
}

// closureLoop: the loop and the select are both inside a goroutine.
func closureLoop(in <-chan int) {
	go func() {
		for {
			select {
			case v, ok := <-in:
				if !ok {
					return
				}
				handle(v)
			case <-time.After(5 * time.Second): // want "makes a timer every round"
			}
		}
	}()
}

// sendLoop sends with a timeout per element.
func sendLoop(out chan<- int, n int) bool {
	for i := 0; i < n; i++ {
		select {
		case out <- i:
			continue
		case <-time.After(time.Second): // want "makes a timer every round"
			return false
		}
	}
	return true
}

// counterNotTested counts messages in a variable the loop does not test.
func counterNotTested(in <-chan int, limit int) int {
	n := 0
	for i := 0; i < limit; i++ {
		select {
		case <-in:
			n++
		case <-time.After(time.Second): // want "makes a timer every round"
		}
	}
	return n
}
