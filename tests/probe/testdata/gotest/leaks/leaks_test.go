package leaks

import "testing"

func TestWatch(t *testing.T) {
	Watch()
	Watch()
}
