package group

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

func TestSafeGoPassesErrorToHandler(t *testing.T) {
	got := make(chan error, 1)
	task := SafeGo(context.Background(), func(ctx context.Context) error { panic("bad") },
		OnError(func(err error) { got <- err }))
	err := task.Wait()
	var p *PanicError
	if !errors.As(err, &p) || p.Value != "bad" {
		t.Fatalf("Wait = %v, want *PanicError(bad)", err)
	}
	select {
	case herr := <-got:
		if herr != err {
			t.Fatalf("handler got %v, Wait %v", herr, err)
		}
	default:
		t.Fatal("handler had not run when Wait returned")
	}
}

func TestSafeGoSuccessSkipsHandler(t *testing.T) {
	called := false
	task := SafeGo(context.Background(), func(ctx context.Context) error { return nil },
		OnError(func(error) { called = true }))
	if err := task.Wait(); err != nil || called {
		t.Fatalf("Wait = %v, handler called = %v", err, called)
	}
}

func TestSafeGoFollowsParentAndCancel(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	task := SafeGo(parent, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, OnError(nil))
	cancel()
	if err := task.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v", err)
	}
	task = SafeGo(context.Background(), func(ctx context.Context) error { <-ctx.Done(); return nil })
	task.Cancel()
	<-task.Done()
}

func TestSafeGoHandlerPanicIsContained(t *testing.T) {
	task := SafeGo(context.Background(), func(ctx context.Context) error { return errors.New("x") },
		OnError(func(error) { panic("handler") }))
	if err := task.Wait(); err == nil || err.Error() != "x" {
		t.Fatalf("Wait = %v", err)
	}
}

func TestTasksCancelAndWait(t *testing.T) {
	base := runtime.NumGoroutine()
	var ts Tasks
	for i := 0; i < 50; i++ {
		ts.Add(SafeGo(context.Background(), func(ctx context.Context) error { <-ctx.Done(); return nil }))
	}
	ts.CancelAndWait()
	if n := settledGoroutines(base); n > base {
		t.Fatalf("goroutines after CancelAndWait: %d, before: %d", n, base)
	}
}

func TestSafeGoGoexit(t *testing.T) {
	var got error
	task := SafeGo(context.Background(), func(ctx context.Context) error { runtime.Goexit(); return nil },
		OnError(func(err error) { got = err }))
	if err := task.Wait(); !errors.Is(err, ErrGoexit) || got != err {
		t.Fatalf("Wait = %v, handler got %v", err, got)
	}
}
