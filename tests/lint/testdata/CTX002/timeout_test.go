package timeout

import (
	"context"
	"testing"
)

// Tests make expired contexts on purpose, to exercise the timeout path.
func TestExpiredContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	if err := use(ctx); err == nil {
		t.Fatal("want an error from an expired context")
	}
}
