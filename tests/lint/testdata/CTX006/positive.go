package cancelled

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"time"
)

// The classic: fire-and-forget work under a deferred cancel.
func fireAndForget(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	go func() { // want "goroutine is handed a context that the deferred cancel ends"
		_ = st.save(ctx, e)
	}()
}

// The context passed as an argument to a function literal.
func passedToLiteral(parent context.Context, st *store, e event) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func(c context.Context) { // want "deferred cancel ends"
		_ = st.save(c, e)
	}(ctx)
	return st.save(ctx, e)
}

// A package function started with the context.
func packageFunc(parent context.Context, id int) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	go notify(ctx, id) // want "deferred cancel ends"
}

// A method of the receiver's type.
func (s *service) handle(parent context.Context, e event) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go s.record(ctx, e) // want "deferred cancel ends"
	return s.st.save(ctx, e)
}

// A context derived from the cancelled one is cut short as well.
func derived(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	vctx := context.WithValue(ctx, struct{}{}, 1)
	go func() { // want "deferred cancel ends"
		_ = st.save(vctx, e)
	}()
}

// The Cause constructor.
func cause(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	go func() { // want "deferred cancel ends"
		_ = st.save(ctx, e)
	}()
}

// signal.NotifyContext with a deferred stop.
func signalled(parent context.Context, id int) {
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	go notify(ctx, id) // want "deferred cancel ends"
}

// The result channel is never received from.
func neverReceived(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	errc := make(chan error, 1)
	go func() { // want "deferred cancel ends"
		errc <- st.save(ctx, e)
	}()
}

// An HTTP handler's goroutine with r.Context().
func handler(w http.ResponseWriter, r *http.Request) {
	go func() { // want "request's context, which the server cancels.*context.WithoutCancel"
		_ = notify(r.Context(), 1)
	}()
	w.WriteHeader(http.StatusAccepted)
}

// A handler method passing r.Context() to a package function.
func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	go notify(r.Context(), 2) // want "request's context"
	w.WriteHeader(http.StatusAccepted)
}

// The request's context kept in a variable first.
func handlerVar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go func() { // want "request's context"
		_ = notify(ctx, 3)
	}()
}

// A handler as a function literal.
func routes(mux *http.ServeMux) {
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		go notify(r.Context(), 4) // want "request's context"
	})
}

// The goroutine waits on Done but does its work with the context too.
func workThenDone(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	go func() { // want "deferred cancel ends"
		select {
		case <-ctx.Done():
		case <-time.After(time.Millisecond):
			_ = st.save(ctx, e)
		}
	}()
}

// The cancel deferred through a function literal.
func deferredLiteral(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer func() {
		cancel()
	}()
	go func() { // want "deferred cancel ends"
		_ = st.save(ctx, e)
	}()
}

// Near misses of the helper join: a helper given only the context, and a
// second goroutine given the channel (nothing here waits).
func helperGetsContext(parent context.Context, st *store, e event) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	done := make(chan struct{})
	go func() { // want "deferred cancel ends"
		_ = st.save(ctx, e)
		close(done)
	}()
	return st.save(ctx, e)
}

func forwardedToGoroutine(parent context.Context, st *store, e event, fwd func(chan error)) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	errs := make(chan error, 1)
	go func() { // want "deferred cancel ends"
		errs <- st.save(ctx, e)
	}()
	go fwd(errs)
}
