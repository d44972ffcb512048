// Package old is CTX003 testdata for a module older than Go 1.21, where
// context.WithoutCancel does not exist: the message only says to pass ctx.
package old

import "context"

func query(ctx context.Context, q string) error { return ctx.Err() }

// The finding stands; the suggestion leaves out WithoutCancel.
func load(ctx context.Context) error {
	return query(context.Background(), "q") // want "context.Background[(][)] drops the cancellation of ctx [(]parameter of load[)]: pass ctx$"
}

// No context in scope.
func fresh() error {
	return query(context.Background(), "q")
}
