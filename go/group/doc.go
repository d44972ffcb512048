// Package group runs goroutines that cannot outlive the work they belong to.
//
// A [Group] is a set of goroutines tied to one context. Each function started
// with [Group.Go] receives the group's context; the first function to fail
// (return a non-nil error, panic, or call [runtime.Goexit]) cancels that
// context, so its siblings can stop early, and [Group.Wait] returns that first
// failure after every function has returned. A panic does not crash the
// process: it is recovered into a [*PanicError] that carries the panic value
// and the stack of the goroutine that panicked.
//
//	g := group.New(ctx, group.WithLimit(8))
//	for _, url := range urls {
//		g.Go(func(ctx context.Context) error { return fetch(ctx, url) })
//	}
//	if err := g.Wait(); err != nil {
//		var p *group.PanicError
//		if errors.As(err, &p) {
//			log.Printf("fetch panicked: %v\n%s", p.Value, p.Stack)
//		}
//		return err
//	}
//
// [SafeGo] gives a single background goroutine the same guarantees: it gets a
// context derived from the caller's, a panic becomes an error, the error goes
// to a handler, and the returned [*Task] can be waited for.
//
// The difference from a bare go statement is that nothing is left running:
// when Wait returns, every function started with Go has returned. The
// difference from golang.org/x/sync/errgroup is that panics and Goexit are
// turned into errors instead of re-raised, the cancellation cause is the
// failing error ([context.Cause]), and the package needs only the standard
// library.
package group
