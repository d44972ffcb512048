// Closures: each FuncLit is preceded by a comment listing what it captures
// in order of first use: `// captures: NAME@LINE ...` (or none).
package closures

import "context"

var global int

const limit = 3

func outer(parent context.Context, n int) (err error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	local := 0
	type T int
	// captures: cancel@12 local@14 n@11 err@11 T@15
	go func() {
		defer cancel()
		local++
		_ = global + limit + n
		err = nil
		var t T
		_ = t
	}()
	// captures: ctx@12 local@14
	f := func(x int) int {
		// captures: x@26 ctx@12 local@14
		g := func() {
			_ = x
			_ = ctx
			local := local
			_ = local
		}
		g()
		return x
	}
	_ = f
	// captures: none
	h := func(ctx context.Context) { _ = ctx }
	_ = h
	for i := 0; i < n; i++ {
		// captures: i@41
		defer func() { _ = i }()
	}
	return nil
}

type S struct{ f func() }

func (s *S) method() {
	// captures: s@50
	s.f = func() { s.f = nil }
}

// captures: none
var pkgLevel = func() int { return global + limit }
