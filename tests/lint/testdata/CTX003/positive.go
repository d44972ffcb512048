package brokenchain

import (
	"context"
	stdctx "context"
	"net/http"
	"os"
	"os/signal"
	"time"
)

// ---- positive cases -------------------------------------------------------

// The classic: a context parameter, and a fresh root passed on anyway.
func saveOrder(ctx context.Context, id string) error {
	return query(context.Background(), id) // want "context.Background[(][)] drops the cancellation of ctx [(]parameter of saveOrder[)]: pass ctx, or context.WithoutCancel[(]ctx[)] if the work must outlive the call"
}

// context.TODO() is the same break in the chain.
func loadOrder(ctx context.Context, id string) error {
	return query(context.TODO(), id) // want "context.TODO[(][)] drops the cancellation of ctx"
}

// A timeout hung on a fresh root instead of on the caller's context: the
// timeout still fires, but the caller's cancellation does not arrive.
func withOwnTimeout(ctx context.Context, q string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second) // want "context.Background[(][)] drops the cancellation of ctx [(]parameter of withOwnTimeout[)]"
	defer cancel()
	return query(ctx, q)
}

// A method whose context parameter is ignored.
func (s *Store) Save(ctx context.Context, q string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return query(context.Background(), q) // want "drops the cancellation of ctx [(]parameter of Save[)]"
}

// An HTTP handler: the request carries the context.
func handleOrder(w http.ResponseWriter, r *http.Request) {
	if err := query(context.Background(), r.URL.Path); err != nil { // want "drops the cancellation of r.Context[(][)] [(]request parameter of handleOrder[)]: pass r.Context[(][)], or context.WithoutCancel[(]r.Context[(][)][)] if the work must outlive the request"
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// A goroutine started by a handler that makes its own root: it runs on
// after the client has gone (seed 001, "禁止在 goroutine 内部重新 context.Background()").
func handleNotify(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	go func() {
		notify(context.Background(), id) // want "drops the cancellation of r.Context[(][)] [(]request parameter of handleNotify[)]"
	}()
	w.WriteHeader(http.StatusAccepted)
}

// A local taken from the request is the context in scope.
func handleWithLocal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_ = query(ctx, "a")
	_ = query(context.TODO(), "b") // want "drops the cancellation of ctx [(]derived from the caller's context at line 58[)]: pass ctx, or context.WithoutCancel[(]ctx[)] if the work must outlive the request"
	w.WriteHeader(http.StatusOK)
}

// A context derived from the parameter, then a fresh root for the next step.
func twoSteps(parent context.Context) error {
	tctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	if err := query(tctx, "first"); err != nil {
		return err
	}
	return query(context.Background(), "second") // want "drops the cancellation of tctx [(]derived from the caller's context at line 66[)]"
}

// A handler written as a closure: the request is the closure's parameter.
func routes(mux *http.ServeMux) {
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		_ = query(context.Background(), "x") // want "r.Context[(][)] [(]request parameter of the closure at line 76[)]"
	})
}

// A closure with its own context parameter, inside a function without one.
func register(hooks map[string]func(context.Context) error) {
	hooks["save"] = func(ctx context.Context) error {
		return query(context.Background(), "save") // want "drops the cancellation of ctx [(]parameter of the closure at line 83[)]"
	}
}

// The context package under another name: the message uses that name.
func aliased(ctx stdctx.Context) error {
	return query(stdctx.Background(), "q") // want "stdctx.Background[(][)] drops the cancellation of ctx.*stdctx.WithoutCancel[(]ctx[)]"
}

// After `if ctx == nil { return }` the context is known to be there.
func afterNilReturn(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return query(context.Background(), "q") // want "drops the cancellation of ctx"
}

// The else branch of a nil check: ctx is not nil there.
func elseOfNilCheck(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	} else {
		return query(context.TODO(), "q") // want "context.TODO[(][)] drops the cancellation of ctx"
	}
	return query(ctx, "q")
}

// A signal-aware context derived from the caller's.
func untilSignal(ctx context.Context) error {
	sctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	_ = query(sctx, "a")
	return query(context.Background(), "b") // want "drops the cancellation of sctx [(]derived from the caller's context at line 113[)]"
}

// A worker loop in a goroutine of a function with a context.
func startWorkers(ctx context.Context, jobs <-chan string) {
	for i := 0; i < 4; i++ {
		go func() {
			for j := range jobs {
				notify(context.Background(), j) // want "drops the cancellation of ctx [(]parameter of startWorkers[)]"
			}
		}()
	}
}

// The parent of WithCancel is the fresh root: the chain is broken there.
func cancelOnOwnRoot(ctx context.Context) context.CancelFunc {
	c, cancel := context.WithCancel(context.Background()) // want "drops the cancellation of ctx [(]parameter of cancelOnOwnRoot[)]"
	go notify(c, "x")
	return cancel
}

// A TODO next to the root admits the break; it does not excuse it.
func admitted(ctx context.Context) error {
	// TODO: pass ctx once query can be canceled.
	return query(context.Background(), "q") // want "drops the cancellation of ctx [(]parameter of admitted[)]"
}

// A comment that says nothing about why a root is used is no excuse.
func commentedCall(ctx context.Context) error {
	// Query the database for the order.
	return query(context.Background(), "q") // want "drops the cancellation of ctx [(]parameter of commentedCall[)]"
}

// The parameter itself overwritten with a root: every later use is cut off.
func overwritten(ctx context.Context) error {
	_ = query(ctx, "a")
	ctx = context.Background() // want "drops the cancellation of ctx [(]parameter of overwritten[)]"
	return query(ctx, "b")
}

// A thunk returned to the caller, built with a root.
func thunk(ctx context.Context, k string) func() {
	return func() {
		notify(context.Background(), k) // want "drops the cancellation of ctx [(]parameter of thunk[)]"
	}
}

// A goroutine of a method starts its own errgroup-like root next to ctx.
func (s *Store) refreshAll(ctx context.Context, ids []string) {
	for _, id := range ids {
		go func(id string) {
			c, cancel := context.WithTimeout(context.TODO(), time.Second) // want "context.TODO[(][)] drops the cancellation of ctx [(]parameter of refreshAll[)]"
			defer cancel()
			notify(c, id)
		}(id)
	}
}
