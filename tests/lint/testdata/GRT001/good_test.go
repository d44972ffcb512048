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

// Fail stands in for Ginkgo's Fail, which aborts the spec.
func Fail(message string) { panic(message) }

// TestGinkgoStyle: the timeout path fails the spec with Fail.
func TestGinkgoStyle(t *testing.T) {
	done := make(chan bool)
	go func() { done <- true }()
	select {
	case <-done:
	case <-time.After(time.Second):
		Fail("still blocked")
	}
}

// TestCountedJoinWithTimeout: n senders joined by n receives, each under
// a timeout that fails the test; the loop ends early only by failing.
func TestCountedJoinWithTimeout(t *testing.T) {
	c := make(chan struct{})
	const jobs = 4
	for i := 0; i < jobs; i++ {
		go func() {
			fetch()
			c <- struct{}{}
		}()
	}
	for i := 0; i < jobs; i++ {
		select {
		case <-c:
		case <-time.After(time.Second):
			t.Fatalf("timed out")
		}
	}
}

// TestErrorChannelOrDone: errc carries failures only (its case fails the
// test), done reports success; two goroutines share errc.
func TestErrorChannelOrDone(t *testing.T) {
	errc := make(chan error)
	go func() {
		if r := fetch(); r.err != nil {
			errc <- r.err
			return
		}
	}()
	done := make(chan struct{})
	go func() {
		if r := fetch(); r.err != nil {
			errc <- r.err
			return
		}
		close(done)
	}()
	select {
	case err := <-errc:
		t.Fatal(err)
	case <-done:
	}
}

// TestErrorOrDoneShared: done is sent on by two goroutines in turn; the
// last select treats a value on errC as a failure.
func TestErrorOrDoneShared(t *testing.T) {
	done := make(chan struct{})
	errC := make(chan error)
	go func() {
		if r := fetch(); r.err != nil {
			errC <- r.err
			return
		}
		done <- struct{}{}
	}()
	select {
	case <-done:
		t.Fatalf("expected no value")
	case err := <-errC:
		if err == nil {
			t.Fatalf("expected an error")
		}
	}
	go func() {
		if r := fetch(); r.err != nil {
			errC <- r.err
			return
		}
		done <- struct{}{}
	}()
	select {
	case <-done:
	case err := <-errC:
		t.Fatalf("unexpected error: %v", err)
	case <-time.After(time.Second):
		t.Fatalf("timed out")
	}
}
