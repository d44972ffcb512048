package errequality

import (
	"context"
	"testing"
)

// A test asserting that an API returns exactly the sentinel: errors.Is
// would make the test weaker, so the comparison is left alone.
func TestExactSentinel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ctx.Err(); err != context.Canceled {
		t.Fatalf("ctx.Err() = %v, want context.Canceled", err)
	}
}

// Test files are not checked at all: a strict comparison in a test
// helper is how a test pins down the exact error an API returns.
func TestBranchOnSentinel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := work(ctx); err == context.Canceled {
		return
	}
	t.Log("not canceled")
}
