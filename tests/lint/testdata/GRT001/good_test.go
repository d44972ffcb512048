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
