package timeout

import (
	"context"
	"time"
)

// expiredLong is also used from otherfile.go: a const of another file of the
// package is folded too.
const expiredLong = -2 * time.Second

// A const of this file.
func fromHere(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, expiredLong) // want "timeout of -2s"
	defer cancel()
	return use(ctx)
}
