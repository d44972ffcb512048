package leaks

import (
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	Watch()
	Watch()
	time.Sleep(100 * time.Millisecond) // the watchers block on the channel by now
}
