package cancelled

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Joined with a sync.WaitGroup before returning.
func waitGroup(parent context.Context, st *store, es []event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, e := range es {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = st.save(ctx, e)
		}()
	}
	wg.Wait()
}

// The errgroup idiom (g.Go is not a go statement; g.Wait joins).
func errgroupJoin(parent context.Context, st *store, es []event) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var g group
	for _, e := range es {
		g.Go(func() error { return st.save(ctx, e) })
	}
	return g.Wait()
}

// A buffered result channel that the function receives from.
func resultChannel(parent context.Context, st *store, e event) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- st.save(ctx, e) }()
	return <-errc
}

// The goroutine stops early on ctx.Done and its result is received: joined.
func selectSend(parent context.Context, st *store, e event) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	res := make(chan error)
	go func() {
		err := st.save(ctx, e)
		select {
		case <-ctx.Done():
		case res <- err:
		}
	}()
	select {
	case err := <-res:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A done channel closed by the goroutine and waited on.
func doneChannel(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = st.save(ctx, e)
	}()
	<-done
}

// for range over the goroutine's result channel.
func rangeResults(parent context.Context, st *store, es []event) int {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	results := make(chan error)
	go func() {
		defer close(results)
		_ = st.save(ctx, es[0])
		results <- nil
	}()
	n := 0
	for range results {
		n++
	}
	return n
}

// A helper loop that is meant to stop when the function returns.
func heartbeat(parent context.Context, st *store) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = st.save(ctx, event{})
			}
		}
	}()
	return st.save(ctx, event{id: 1})
}

// A watcher that only waits for the cancellation to clean up.
func closeOnCancel(parent context.Context, st *store, c interface{ Close() error }) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		<-ctx.Done()
		c.Close()
	}()
	return st.save(ctx, event{})
}

// Detached with context.WithoutCancel: the fix.
func detached(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	bg := context.WithoutCancel(ctx)
	go func() {
		_ = st.save(bg, e)
	}()
}

// A handler that detaches the request's context.
func handlerDetached(w http.ResponseWriter, r *http.Request) {
	ctx := context.WithoutCancel(r.Context())
	go func() {
		_ = notify(ctx, 1)
	}()
}

// A handler that waits for its goroutine.
func handlerJoined(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = notify(r.Context(), 1)
	}()
	<-done
}

// No deferred cancel: whoever holds cancel decides when it ends.
func cancelHandedOn(parent context.Context, st *store, e event) context.CancelFunc {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		_ = st.save(ctx, e)
	}()
	return cancel
}

// A function of another package: whether it is a long-running server
// (meant to stop on cancel) cannot be told.
func otherPackage(parent context.Context, srv *http.Server) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go http.NewRequestWithContext(ctx, "GET", "/", nil)
}

// The goroutine does not use the cancelled context.
func otherContext(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	go func() {
		_ = st.save(context.Background(), e)
	}()
	_ = st.save(ctx, e)
}

// A goroutine with a loop is a long-running helper, stopped by cancel.
func serveMain(parent context.Context, st *store) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		for _, e := range []event{{1}, {2}} {
			_ = st.save(ctx, e)
		}
	}()
}

// A timer reset in a loop in the goroutine: a long-running helper.
func timerLoop(parent context.Context, st *store) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		t := time.NewTimer(time.Second)
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
				_ = st.save(ctx, event{})
				t.Reset(time.Second)
			}
		}
	}()
	return st.save(ctx, event{})
}

// Waits on one path, gives up on another (timeout): cancelling the
// abandoned work is what the function wants.
func giveUp(parent context.Context, st *store, e event) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- st.save(ctx, e) }()
	select {
	case err := <-errc:
		return err
	case <-time.After(time.Second):
		return context.DeadlineExceeded
	}
}

func logErr(err error) {}

// A watcher that waits for the cancellation, then passes on ctx.Err():
// reading the context is not working with it.
func watcherErr(parent context.Context, st *store, e event) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	go func() {
		<-ctx.Done()
		logErr(ctx.Err())
	}()
	return st.save(ctx, e)
}

// A watcher in a select without a loop that only reads the context.
func selectWatcher(parent context.Context, st *store, stop <-chan struct{}) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		select {
		case <-ctx.Done():
			logErr(ctx.Err())
		case <-stop:
		}
	}()
	return st.save(ctx, event{})
}

// The variable is given a detached context before the goroutine starts.
func reassignedDetached(parent context.Context, st *store, e event) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	_ = st.save(ctx, e)
	ctx = context.WithoutCancel(ctx)
	go func() {
		_ = st.save(ctx, e)
	}()
}

// The deferred literal cancels only on one path: not certain.
func deferredMaybe(parent context.Context, st *store, e event, keep bool) {
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		if !keep {
			cancel()
		}
	}()
	go func() {
		_ = st.save(ctx, e)
	}()
}

// Joined through a helper that receives from the goroutine's channels
// (docs/accuracy.md, "More modules"); the early return cancels the pull on
// purpose.
func pullWithHelper(parent context.Context, st *store, e event, check func() error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	results := make(chan event, 1)
	errs := make(chan error, 1)
	go func() {
		if err := st.save(ctx, e); err != nil {
			errs <- err
			return
		}
		results <- e
	}()
	if err := check(); err != nil {
		return err
	}
	_, err := receiveResult(results, errs)
	return err
}

func receiveResult(results chan event, errs chan error) (event, error) {
	select {
	case r := <-results:
		return r, nil
	case err := <-errs:
		return event{}, err
	}
}
