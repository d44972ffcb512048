package group

import (
	"context"
	"log"
	"sync"
)

// SafeOption configures [SafeGo].
type SafeOption func(*safeConfig)

type safeConfig struct {
	onError func(error)
}

// OnError sets the function that receives the error of a [SafeGo] goroutine
// (a returned error, a [*PanicError] or [ErrGoexit]). It runs on that
// goroutine before the task is marked done. The default logs the error with
// the standard logger; nil discards it.
func OnError(h func(error)) SafeOption {
	return func(c *safeConfig) { c.onError = h }
}

func logError(err error) { log.Printf("group.SafeGo: %v", err) }

// Task is a goroutine started by [SafeGo].
type Task struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// SafeGo runs f in a new goroutine with a context derived from ctx, recovers
// a panic into a [*PanicError], and passes a non-nil result to the error
// handler (see [OnError]). The returned Task lets the caller cancel the
// goroutine's context and wait for it, so that it too can be joined.
func SafeGo(ctx context.Context, f func(ctx context.Context) error, opts ...SafeOption) *Task {
	c := safeConfig{onError: logError}
	for _, o := range opts {
		o(&c)
	}
	tctx, cancel := context.WithCancel(ctx)
	t := &Task{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		defer cancel()
		call(tctx, f, func(err error) {
			t.err = err
			if err == nil || c.onError == nil {
				return
			}
			// A panicking handler must not take the process down either;
			// its panic goes to the standard logger instead.
			call(tctx, func(context.Context) error { c.onError(err); return nil }, func(herr error) {
				if herr != nil {
					logError(herr)
				}
			})
		})
	}()
	return t
}

// Cancel cancels the task's context. It does not wait for the task.
func (t *Task) Cancel() { t.cancel() }

// Done is closed when the task's function and error handler have returned.
func (t *Task) Done() <-chan struct{} { return t.done }

// Wait blocks until the task is done and returns its error (also passed to
// the error handler).
func (t *Task) Wait() error {
	<-t.done
	return t.err
}

// Tasks is the join point for several SafeGo goroutines: a convenience for
// code that starts background tasks over time and must stop them all, e.g.
// at shutdown.
type Tasks struct {
	mu    sync.Mutex
	tasks []*Task
}

// Add remembers t so that [Tasks.CancelAndWait] joins it.
func (ts *Tasks) Add(t *Task) *Task {
	ts.mu.Lock()
	ts.tasks = append(ts.tasks, t)
	ts.mu.Unlock()
	return t
}

// CancelAndWait cancels every task added so far and waits for all of them.
func (ts *Tasks) CancelAndWait() {
	ts.mu.Lock()
	tasks := ts.tasks
	ts.tasks = nil
	ts.mu.Unlock()
	for _, t := range tasks {
		t.Cancel()
	}
	for _, t := range tasks {
		<-t.done
	}
}
