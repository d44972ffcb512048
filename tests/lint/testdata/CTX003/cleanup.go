package brokenchain

// More shapes from real modules (docs/accuracy.md, "More modules"): roots
// handed to a logging package, cleanup as the function returns, and a
// comment that puts the cancellation on the user's side.

import (
	"context"
	"time"

	"example.com/ctx003/internal/log"
	"example.com/ctx003/internal/login"
)

// Ref is a reference that must be released, whatever happened to ctx.
type Ref struct{}

func (r *Ref) Release(ctx context.Context) error { return ctx.Err() }

func getRef(ctx context.Context, id string) (*Ref, error) { return &Ref{}, ctx.Err() }

// ---- negative: a logging package reads fields from the context --------

func createNetwork(ctx context.Context, id string) error {
	if err := query(ctx, id); err != nil {
		log.G(context.TODO()).Debugf("rolling back network %s: %v", id, err)
		return err
	}
	logger := log.G(context.TODO()).WithField("id", id)
	logger.Info("created")
	return nil
}

// ---- negative: cleanup deferred to the function's return ---------------

func snapshot(ctx context.Context, id string) error {
	parent, err := getRef(ctx, id)
	if err != nil {
		return err
	}
	defer parent.Release(context.TODO())
	defer func() {
		_ = query(context.TODO(), "gc "+id)
		go notify(context.Background(), id)
	}()
	return query(ctx, id)
}

// A deferred clean-up in a function with a context (it was a positive case
// before the review of more modules: cleanup as the function returns must
// not inherit a cancellation that may be why it returns).
func withCleanup(ctx context.Context, id string) {
	defer func() {
		audit(context.Background(), "done "+id)
	}()
	notify(ctx, id)
}

// ---- negative: "cancelled by user" puts the cancellation on another side

func startProcess(ctx context.Context, id string) error {
	if err := query(ctx, id); err != nil {
		// use a new context for the cleanup: the old one may be cancelled by
		// the user, and containerd must still delete the process
		c, cancel := context.WithTimeout(context.Background(), 45*time.Second)
		defer cancel()
		return query(c, "delete "+id)
	}
	return nil
}

// ---- positive: near misses ------------------------------------------------

// catalog is a local value whose name contains "log", not a logging
// package, and Lookup is no log verb.
type catalogT struct{}

func (catalogT) Lookup(ctx context.Context, k string) error { return ctx.Err() }

func lookupEntry(ctx context.Context, k string) error {
	var catalog catalogT
	return catalog.Lookup(context.Background(), k) // want "drops the cancellation of ctx [(]parameter of lookupEntry[)]"
}

// login is an imported package whose name contains "log": not a logger.
func checkSession(ctx context.Context, session string) error {
	return login.Check(context.Background(), session) // want "drops the cancellation of ctx [(]parameter of checkSession[)]"
}

// The deferred call is the func value trace returns; trace itself, and its
// root, run now.
func trace(ctx context.Context, name string) func() { return func() {} }

func traced(ctx context.Context) error {
	defer trace(context.Background(), "traced")() // want "drops the cancellation of ctx [(]parameter of traced[)]"
	return query(ctx, "q")
}

// A defer inside a goroutine exempts only its own call.
func releaseInBackground(ctx context.Context, r *Ref) {
	go func() {
		defer r.Release(context.TODO())
		_ = query(context.Background(), "work") // want "drops the cancellation of ctx [(]parameter of releaseInBackground[)]"
	}()
}

// Cleanup that is not deferred: the rule cannot tell it from work.
func releaseOnError(ctx context.Context, id string) error {
	ref, err := getRef(ctx, id)
	if err != nil {
		return err
	}
	if err := query(ctx, id); err != nil {
		ref.Release(context.TODO()) // want "drops the cancellation of ctx [(]parameter of releaseOnError[)]"
		return err
	}
	return nil
}
