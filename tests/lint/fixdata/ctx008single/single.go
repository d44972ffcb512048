// Package ctx008single imports only context, without parentheses: the
// fix adds `import "errors"` as a declaration of its own.
package ctx008single

import "context"

func work(ctx context.Context) error { return ctx.Err() }

func isCanceled(ctx context.Context) bool {
	err := work(ctx)
	return err == context.Canceled // fix
}
