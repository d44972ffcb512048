package brokenchain

import (
	"context"
	"os"
	"testing"
)

// ---- negative cases in tests ----------------------------------------------

// TestMain is a root like main.
func TestMain(m *testing.M) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notify(ctx, "setup")
	notify(context.Background(), "again")
	os.Exit(m.Run())
}

// A test has no context from a caller.
func TestQuery(t *testing.T) {
	if err := query(context.Background(), "q"); err != nil {
		t.Fatal(err)
	}
}

// A test that compares a cancelled context with a fresh one.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if query(ctx, "q") == nil {
		t.Fatal("want an error")
	}
	if err := query(context.Background(), "q"); err != nil {
		t.Fatal(err)
	}
}

// ---- positive case in tests -----------------------------------------------

// A test helper that takes the test's context and drops it.
func helperQuery(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := query(context.TODO(), "q"); err != nil { // want "context.TODO[(][)] drops the cancellation of ctx [(]parameter of helperQuery[)]"
		t.Fatal(err)
	}
}

// Clean-up runs after the test, when the test's context is already done.
func startServer(t *testing.T, ctx context.Context) *Server {
	s := &Server{}
	notify(ctx, "start")
	t.Cleanup(func() {
		_ = s.Shutdown(context.Background())
	})
	return s
}
