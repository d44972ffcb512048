package res001

import (
	"testing"
	"time"
)

// TestWatchdog has the pattern in a test, where it guards a short loop and
// the process ends with the test: not reported.
func TestWatchdog(t *testing.T) {
	done := make(chan int, 3)
	for i := 0; i < 3; i++ {
		done <- i
	}
	for i := 0; i < 3; i++ {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("deadlock")
		}
	}
}
