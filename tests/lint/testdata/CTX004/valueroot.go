// Package valueroot is the testdata of CTX004 value-only-root:
// context.WithValue on context.Background() or context.TODO() while the
// function has a context of its own.
package valueroot

import (
	"context"
	xctx "context"
	"net/http"
	"time"
)

type key struct{}

func work(ctx context.Context) error { return ctx.Err() }

// ---- positive cases -------------------------------------------------------

// A context.Context parameter is in scope.
func withParam(ctx context.Context, id string) error {
	vctx := context.WithValue(context.Background(), key{}, id) // want "context.WithValue on context.Background[(][)] while ctx is in scope: the values survive but its deadline and cancellation are lost; derive from ctx instead"
	return work(vctx)
}

// context.TODO() is the same root.
func withTODO(parent context.Context) error {
	return work(context.WithValue(context.TODO(), key{}, 1)) // want "context.WithValue on context.TODO[(][)] while parent is in scope.*derive from parent instead"
}

// An HTTP handler: the request carries the context.
func handler(w http.ResponseWriter, r *http.Request) {
	ctx := context.WithValue(context.Background(), key{}, r.URL.Path) // want "while r.Context[(][)] is in scope.*derive from r.Context[(][)] instead"
	_ = work(ctx)
	w.WriteHeader(http.StatusNoContent)
}

// A local made by WithTimeout is in scope.
func withLocalTimeout() error {
	tctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	vctx := context.WithValue(context.Background(), key{}, "v") // want "derive from tctx instead"
	_ = work(tctx)
	return work(vctx)
}

// A local from r.Context() on a request that is not a parameter.
func fromRequestField(req struct{ r *http.Request }) error {
	rctx := req.r.Context()
	_ = work(rctx)
	return work(context.WithValue(context.Background(), key{}, 2)) // want "derive from rctx instead"
}

// A closure nested in the function sees the outer context.
func inClosure(ctx context.Context) {
	go func() {
		_ = work(context.WithValue(context.Background(), key{}, 3)) // want "derive from ctx instead"
	}()
}

// The closure's own context parameter is the innermost one.
func closureParam() func(context.Context) error {
	return func(inner context.Context) error {
		return work(context.WithValue(context.Background(), key{}, 4)) // want "derive from inner instead"
	}
}

// A method with a context parameter.
type server struct{}

func (s *server) serve(ctx context.Context) error {
	return work(context.WithValue(context.Background(), key{}, s)) // want "derive from ctx instead"
}

// The context package under another name.
func aliased(ctx xctx.Context) error {
	return work(xctx.WithValue(xctx.Background(), key{}, 5)) // want "derive from ctx instead"
}

// A local made by WithCancel in an enclosing block.
func nestedBlock(ok bool) error {
	cctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if ok {
		return work(context.WithValue(context.Background(), key{}, 6)) // want "derive from cctx instead"
	}
	return work(cctx)
}

// ---- negative cases -------------------------------------------------------

// No context in scope: a fresh root is all there is.
func noContext(id string) context.Context {
	return context.WithValue(context.Background(), key{}, id)
}

// Package level: no function, no context in scope.
var root = context.WithValue(context.Background(), key{}, "root")

// Deriving from the context in scope is the fix.
func derives(ctx context.Context) error {
	return work(context.WithValue(ctx, key{}, 7))
}

// main owns the root context.
func main() {
	_ = work(context.WithValue(context.Background(), key{}, 8))
}

// init too.
func init() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = work(context.WithValue(context.Background(), key{}, ctx))
}

// WithoutCancel keeps the values and drops cancellation on purpose.
func detached(ctx context.Context) error {
	return work(context.WithValue(context.WithoutCancel(ctx), key{}, 9))
}

// A local made by WithValue on a root has no deadline to lose.
func valueChain(id string) error {
	base := context.WithValue(context.Background(), key{}, id)
	return work(context.WithValue(context.Background(), key{}, base))
}

// A context declared after the call is not in scope at the call.
func declaredLater() error {
	first := context.WithValue(context.Background(), key{}, 10)
	ctx, cancel := context.WithTimeout(first, time.Second)
	defer cancel()
	return work(ctx)
}

// A context in a sibling block is out of scope.
func siblingBlock(ok bool) error {
	if ok {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_ = work(ctx)
	}
	return work(context.WithValue(context.Background(), key{}, 11))
}

// An unnamed or blank context parameter cannot be used.
func blankParam(_ context.Context, id string) error {
	return work(context.WithValue(context.Background(), key{}, id))
}

// A local variable named context is not the package.
type fakeContext struct{}

func (fakeContext) WithValue(p any, k, v any) any { return v }
func (fakeContext) Background() any               { return nil }

func shadowed(ctx context.Context) any {
	context := fakeContext{}
	return context.WithValue(context.Background(), key{}, ctx)
}

// A chain of WithValue on a root never had a deadline.
func valueChainDeep(id string) error {
	c1 := context.WithValue(context.Background(), key{}, id)
	c2 := context.WithValue(c1, key{}, "two")
	return work(context.WithValue(context.Background(), key{}, c2))
}

// A local from WithValue on the parameter: named through the parameter.
func valueOfParam(ctx context.Context) error {
	vctx := context.WithValue(ctx, key{}, 12)
	_ = work(vctx)
	return work(context.WithValue(context.Background(), key{}, 13)) // want "derive from ctx instead"
}
