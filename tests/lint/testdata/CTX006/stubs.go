// Package cancelled is the testdata of CTX006 cancelled-under-goroutine:
// a goroutine doing one-shot work with a context cancelled when the
// function that started it returns.
package cancelled

import (
	"context"
	"sync"
)

type event struct{ id int }

type store struct{ mu sync.Mutex }

func (s *store) save(ctx context.Context, e event) error { return ctx.Err() }

type service struct {
	st *store
}

func (s *service) record(ctx context.Context, e event) {
	_ = s.st.save(ctx, e)
}

func notify(ctx context.Context, id int) error { return deliver(ctx, id) }

func deliver(ctx context.Context, id int) error { return ctx.Err() }

// group is a minimal stand-in for errgroup.Group.
type group struct {
	wg  sync.WaitGroup
	err error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.err = err
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}
