// Package go120 is a module whose go.mod says Go 1.20: context.WithoutCancel
// does not exist there, so the message suggests a server-lifetime context.
package go120

import (
	"context"
	"net/http"
)

func notify(ctx context.Context, id int) error { return deliver(ctx, id) }

func deliver(ctx context.Context, id int) error { return ctx.Err() }

// The request's context in a goroutine, before Go 1.21.
func handler(w http.ResponseWriter, r *http.Request) {
	go func() { // want "a context that lives as long as the server"
		_ = notify(r.Context(), 1)
	}()
}
