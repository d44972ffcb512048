package valueroot

import (
	"context"
	"os"
	"testing"
)

// TestMain owns the root context of the test binary.
func TestMain(m *testing.M) {
	_ = work(context.WithValue(context.Background(), key{}, "main"))
	os.Exit(m.Run())
}

// A test helper that receives a context must derive from it.
func callWithID(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	if err := work(context.WithValue(context.Background(), key{}, id)); err != nil { // want "derive from ctx instead"
		t.Fatal(err)
	}
}
