package grt001

import (
	"testing"
	"time"
)

// TestTimeoutFails: the only path that leaves the sender behind fails the
// test already.
func TestTimeoutFails(t *testing.T) {
	ch := make(chan int)
	go func() { ch <- fetch().v }()
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Error("timed out")
	}
}

// Fail stands in for Ginkgo's Fail, which aborts the spec.
func Fail(message string) { panic(message) }

// TestGinkgoStyle: the timeout path fails the spec with Fail.
func TestGinkgoStyle(t *testing.T) {
	done := make(chan bool)
	go func() { done <- true }()
	select {
	case <-done:
	case <-time.After(time.Second):
		Fail("still blocked")
	}
}
