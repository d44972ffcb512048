package brokenchain

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// ---- negative cases -------------------------------------------------------

// A package-level root is not inside any function.
var bg = context.Background()

// func main and func init start the program's contexts.
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		notify(context.Background(), "worker") // a long-lived worker of main
	}()
	notify(ctx, "main")
}

func init() {
	notify(context.Background(), "init")
}

// No context in scope at all: a root is the only choice.
func noContext(id string) error {
	return query(context.Background(), id)
}

// A context parameter named _ is not usable.
func ignoresContext(_ context.Context, id string) error {
	return query(context.Background(), id)
}

// WithoutCancel of a root: detaching on purpose, said out loud.
func detachedOnPurpose(ctx context.Context) {
	go notify(context.WithoutCancel(context.Background()), "x")
	notify(ctx, "y")
}

// WithoutCancel of the caller's context is the fix, not a finding.
func detachedFromCaller(ctx context.Context) {
	go audit(context.WithoutCancel(ctx), "later")
}

// Defaulting a nil context is what the nil check is for.
func defaultNil(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return query(ctx, "q")
}

// Returning early when the context is there leaves only the nil case.
func orBackground(ctx context.Context) context.Context {
	if ctx != nil {
		return ctx
	}
	return context.Background()
}

// Once the caller's context is done, clean-up needs a fresh one.
func cleanupAfterDone(ctx context.Context, s *Server) {
	go func() {
		<-ctx.Done()
		_ = s.Shutdown(context.Background())
	}()
}

// The same in a select arm.
func cleanupInSelect(ctx context.Context, s *Server, stop <-chan struct{}) {
	select {
	case <-ctx.Done():
		_ = s.Shutdown(context.Background())
	case <-stop:
	}
}

// ctx.Err() says it is already cancelled: reporting needs a live context.
func reportCancelled(ctx context.Context) {
	if err := ctx.Err(); err != nil {
		audit(context.Background(), err.Error())
	}
	if ctx.Err() != nil {
		audit(context.Background(), "cancelled")
	}
}

// A connection made once and shared by all callers must not die with the
// first caller's context.
func (s *Store) Conn(ctx context.Context) (*Conn, error) {
	var err error
	s.once.Do(func() {
		s.conn, err = dial(context.Background())
	})
	return s.conn, err
}

// Shared work in a singleflight-style group: the same reasoning.
func shared(ctx context.Context, g *Group, key string) (any, error) {
	return g.Do(key, func() (any, error) {
		return nil, query(context.Background(), key)
	})
}

// sync.OnceValue caches the result for every later caller.
func lazyConn(ctx context.Context) func() (*Conn, error) {
	return sync.OnceValues(func() (*Conn, error) {
		return dial(context.Background())
	})
}

// context.AfterFunc runs after ctx is done: ctx is useless inside.
func onCancel(ctx context.Context, id string) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		audit(context.Background(), "cancelled "+id)
	})
}

// A value-only root is CTX004's finding, not this rule's.
func valueRoot(ctx context.Context) context.Context {
	type key struct{}
	return context.WithValue(context.Background(), key{}, "v")
}

// A local context started from a root carries nothing from a caller: a
// second root next to it drops nothing (tests compare both all the time).
func ownRoots() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := query(ctx, "with deadline"); err != nil {
		return err
	}
	return query(context.Background(), "without deadline")
}

// A local named ctx that is not a context.
func notAContext() error {
	ctx := 5
	_ = ctx
	return query(context.Background(), "q")
}

// A declared but unset context variable is nil until a branch sets it.
func chooseRoot(timeout time.Duration) error {
	var ctx context.Context
	var cancel context.CancelFunc = func() {}
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), timeout)
	} else {
		ctx = context.Background()
	}
	defer cancel()
	return query(ctx, "q")
}

// A named result of type context.Context starts out nil.
func newContext() (ctx context.Context) {
	ctx = context.Background()
	return ctx
}

// A local variable named context is not the package.
type fakeContexts struct{}

func (fakeContexts) Background() int { return 0 }

func shadowedPackage(ctx context.Context) int {
	context := fakeContexts{}
	return context.Background()
}

// A handler parameter that is not an *http.Request.
func notARequest(w http.ResponseWriter, r *http.Response) {
	_ = query(context.Background(), r.Status)
}

// A closure with its own (blank) context parameter inside a function with
// none.
func blankHook(hooks map[string]func(context.Context) error) {
	hooks["x"] = func(_ context.Context) error {
		return query(context.Background(), "x")
	}
}

// Comparing with a root is not using one.
func isRoot(ctx context.Context) bool {
	return ctx == context.Background() || ctx == context.TODO()
}

// A lifetime context stored in a field outlives every request that
// happens to create it.
type lazyServer struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

func (s *lazyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.ctx == nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// A context type that keeps the caller's values but never its deadline:
// the root is stored, not passed.
type valuesOnly struct {
	context.Context
	values context.Context
}

func (v valuesOnly) Value(key any) any { return v.values.Value(key) }

func keepValues(ctx context.Context) context.Context {
	return valuesOnly{Context: context.Background(), values: ctx}
}

// A root the code explains: the work must not be canceled with the request
// (written before context.WithoutCancel existed).
func handleAsync(w http.ResponseWriter, r *http.Request) {
	// This action has side effects that we want to keep even if the
	// client cancels the request part way through.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = query(ctx, "insert")
	w.WriteHeader(http.StatusAccepted)
}

// A callback kept in a field runs in the lifetime of its owner, not of the
// constructor's call.
type cache struct {
	onEvict func(key string)
}

func newCache(ctx context.Context) *cache {
	c := &cache{}
	c.onEvict = func(key string) {
		audit(context.Background(), "evicted "+key)
	}
	notify(ctx, "cache ready")
	return c
}

// The same callback in a composite literal.
type hooks struct {
	OnClose func()
}

func newHooks(ctx context.Context) hooks {
	notify(ctx, "hooks")
	return hooks{OnClose: func() { audit(context.Background(), "closed") }}
}

// A timer callback fires after the call has returned.
func expireLater(ctx context.Context, id string) *time.Timer {
	notify(ctx, id)
	return time.AfterFunc(time.Minute, func() {
		audit(context.Background(), "expired "+id)
	})
}

// A closure passed its own context explicitly.
func passesExplicitly(ctx context.Context) {
	func(ctx context.Context) {
		notify(ctx, "inner")
	}(ctx)
	go func(ctx context.Context) {
		notify(ctx, "worker")
	}(ctx)
}
