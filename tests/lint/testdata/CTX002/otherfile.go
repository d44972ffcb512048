package timeout

import "context"

// A const declared in consts.go.
func fromOtherFile(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, expiredLong) // want "timeout of -2s"
	defer cancel()
	return use(ctx)
}
