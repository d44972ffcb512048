package cancelled

import (
	"context"
	"testing"
	"time"
)

// In a test, a background call cut short when the test returns is how
// tests stop it: _test.go files are not checked.
func TestBackgroundRPC(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	go func() {
		_ = notify(ctx, 1)
	}()
}
