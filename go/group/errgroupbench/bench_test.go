package errgroupbench

import (
	"context"
	"errors"
	"testing"

	"github.com/leakscope/leakscope/go/group"
	"golang.org/x/sync/errgroup"
)

var errBoom = errors.New("boom")

func nop(context.Context) error { return nil }

// Both packages: the first error is returned and cancels the context.
func TestSameBehaviour(t *testing.T) {
	g := group.New(context.Background())
	g.Go(func(context.Context) error { return errBoom })
	g.Go(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	if err := g.Wait(); !errors.Is(err, errBoom) {
		t.Fatalf("group: %v", err)
	}
	e, ctx := errgroup.WithContext(context.Background())
	e.Go(func() error { return errBoom })
	e.Go(func() error { <-ctx.Done(); return ctx.Err() })
	if err := e.Wait(); !errors.Is(err, errBoom) {
		t.Fatalf("errgroup: %v", err)
	}
}

// One group, n trivial functions, Wait: the cost per function.
func benchGroup(b *testing.B, n int, opts ...group.Option) {
	b.ReportAllocs()
	for b.Loop() {
		g := group.New(context.Background(), opts...)
		for range n {
			g.Go(nop)
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchErrgroup(b *testing.B, n, limit int) {
	b.ReportAllocs()
	for b.Loop() {
		g, ctx := errgroup.WithContext(context.Background())
		if limit > 0 {
			g.SetLimit(limit)
		}
		for range n {
			g.Go(func() error { return nop(ctx) })
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGroup1(b *testing.B)            { benchGroup(b, 1) }
func BenchmarkErrgroup1(b *testing.B)         { benchErrgroup(b, 1, 0) }
func BenchmarkGroup100(b *testing.B)          { benchGroup(b, 100) }
func BenchmarkErrgroup100(b *testing.B)       { benchErrgroup(b, 100, 0) }
func BenchmarkGroup100Limit8(b *testing.B)    { benchGroup(b, 100, group.WithLimit(8)) }
func BenchmarkErrgroup100Limit8(b *testing.B) { benchErrgroup(b, 100, 8) }

// The first of 100 functions fails; the other 99 wait for the cancellation.
func BenchmarkGroupFailFast100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := group.New(context.Background())
		g.Go(func(context.Context) error { return errBoom })
		for range 99 {
			g.Go(func(ctx context.Context) error { <-ctx.Done(); return nil })
		}
		if g.Wait() == nil {
			b.Fatal("no error")
		}
	}
}

func BenchmarkErrgroupFailFast100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g, ctx := errgroup.WithContext(context.Background())
		g.Go(func() error { return errBoom })
		for range 99 {
			g.Go(func() error { <-ctx.Done(); return nil })
		}
		if g.Wait() == nil {
			b.Fatal("no error")
		}
	}
}
