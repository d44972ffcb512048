// Package nested is the testdata of CTX007 ineffective-nested-timeout: a
// timeout under a parent the same function gave a shorter one.
package nested

import (
	"context"
	"time"
)

func work(ctx context.Context) error { return ctx.Err() }

// requestTimeout is declared in another file than its uses.
const requestTimeout = 2 * time.Second
