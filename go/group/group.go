package group

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// ErrGoexit is the failure recorded for a function that called
// [runtime.Goexit] (for example through testing.T.FailNow) instead of
// returning.
var ErrGoexit = errors.New("group: function called runtime.Goexit")

// PanicError is the error a recovered panic becomes.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack, as [debug.Stack] prints it,
	// taken in the deferred recover, so it includes the frames that panicked.
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("group: recovered panic: %v", e.Value)
}

// Unwrap returns the panic value when it is an error, so that errors.Is and
// errors.As see through a panic(err).
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// Option configures a [Group].
type Option func(*config)

type config struct {
	limit int
}

// WithLimit bounds the number of functions running at once to n. Go blocks
// while n functions are running. n <= 0 means no limit (the default).
func WithLimit(n int) Option {
	return func(c *config) { c.limit = n }
}

// Group is a set of goroutines working on parts of one task. Create one with
// [New]; the zero value is not usable. A Group must not be copied.
type Group struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
	sem    chan struct{} // nil without a limit

	errOnce sync.Once
	err     error
}

// New returns a group whose context is derived from ctx. The group's context
// is canceled when a function fails, when ctx is canceled, or when Wait
// returns, whichever happens first.
func New(ctx context.Context, opts ...Option) *Group {
	var c config
	for _, o := range opts {
		o(&c)
	}
	gctx, cancel := context.WithCancelCause(ctx)
	g := &Group{ctx: gctx, cancel: cancel}
	if c.limit > 0 {
		g.sem = make(chan struct{}, c.limit)
	}
	return g
}

// Context returns the context passed to the group's functions.
func (g *Group) Context() context.Context { return g.ctx }

// Go runs f in a new goroutine with the group's context.
//
// With a limit, Go blocks until a slot is free. If the group's context is
// canceled while Go waits for a slot, Go returns at once, f is not run and the cancellation
// cause is recorded as the group's failure if there is none yet.
func (g *Group) Go(f func(ctx context.Context) error) {
	if g.sem != nil {
		// A free slot is taken even when the group is canceled (f sees
		// the canceled context), as without a limit; only waiting for one
		// stops at cancellation.
		select {
		case g.sem <- struct{}{}:
		default:
			select {
			case g.sem <- struct{}{}:
			case <-g.ctx.Done():
				g.fail(context.Cause(g.ctx))
				return
			}
		}
	}
	g.wg.Add(1)
	go g.run(f)
}

// TryGo runs f in a new goroutine only if a slot is free now, and reports
// whether it did. Without a limit it always runs f.
func (g *Group) TryGo(f func(ctx context.Context) error) bool {
	if g.sem != nil {
		select {
		case g.sem <- struct{}{}:
		default:
			return false
		}
	}
	g.wg.Add(1)
	go g.run(f)
	return true
}

func (g *Group) run(f func(ctx context.Context) error) {
	defer g.wg.Done()
	if g.sem != nil {
		defer func() { <-g.sem }()
	}
	call(g.ctx, f, func(err error) {
		if err != nil {
			g.fail(err)
		}
	})
}

// fail records err as the group's failure if it is the first one and cancels
// the group's context with it as the cause.
func (g *Group) fail(err error) {
	g.errOnce.Do(func() {
		g.err = err
		g.cancel(err)
	})
}

// Wait blocks until every function started with Go has returned, then
// cancels the group's context and returns the first failure: the first
// non-nil error returned, a [*PanicError], or [ErrGoexit].
//
// As with [sync.WaitGroup], a call to Go that has not returned when Wait is
// called (one blocked waiting for a slot on another goroutine) is not waited
// for; start everything before calling Wait, or from functions in the group.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.cancel(context.Canceled)
	return g.err
}

// call runs f and passes its result to done, turning a panic or a Goexit
// into an error. done runs in a deferred call, so it also runs while Goexit
// unwinds the goroutine (the goroutine still exits afterwards). It is the one
// place that recovers, so Group and SafeGo behave the same.
func call(ctx context.Context, f func(ctx context.Context) error, done func(error)) {
	var err error
	returned := false
	defer func() {
		if !returned {
			if v := recover(); v != nil {
				err = &PanicError{Value: v, Stack: debug.Stack()}
			} else {
				err = ErrGoexit // neither a return nor a panic
			}
		}
		done(err)
	}()
	err = f(ctx)
	returned = true
}
