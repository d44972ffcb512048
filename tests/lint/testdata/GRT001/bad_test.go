package grt001

import (
	"context"
	"testing"
	"time"
)

// TestCountedJoinReturns: the loop's other case returns without failing
// the test: the senders still pending block forever.
func TestCountedJoinReturns(t *testing.T) {
	c := make(chan struct{}) // want "c is unbuffered"
	for i := 0; i < 3; i++ {
		go func() { c <- struct{}{} }()
	}
	for i := 0; i < 3; i++ {
		select {
		case <-c:
		case <-time.After(time.Second):
			return
		}
	}
}

// TestValueOrCancel: a value on ch is a result, not a failure; leaving on
// cancellation strands the sender.
func TestValueOrCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := make(chan int) // want "ch is unbuffered and the goroutine started on line 31"
	go func() { ch <- fetch().v }()
	select {
	case v := <-ch:
		t.Log(v)
	case <-ctx.Done():
	}
}
