// Package testhang is a test that never ends: `go test -timeout 1s` panics
// with "test timed out after 1s", a multi-line panic value listing the
// running tests, and prints every goroutine (GOTRACEBACK=all).  3
// goroutines wait in TestHang/wait for a channel nobody sends on.  With
// DUMP_PANIC=1, TestPanics panics instead, and go test prints "--- FAIL:"
// before the panic and "FAIL" lines after it.
package testhang

import (
	"os"
	"testing"
)

const waiters = 3

func TestHang(t *testing.T) {
	if os.Getenv("DUMP_PANIC") != "" {
		t.Skip("DUMP_PANIC set: TestPanics runs instead")
	}
	t.Run("wait", func(t *testing.T) {
		never := make(chan int)
		for i := 0; i < waiters; i++ {
			go func() {
				<-never // want: waiter
			}()
		}
		<-never
	})
}

func TestPanics(t *testing.T) {
	if os.Getenv("DUMP_PANIC") == "" {
		t.Skip("set DUMP_PANIC=1 to panic")
	}
	panic("boom: leakscope fixture")
}
