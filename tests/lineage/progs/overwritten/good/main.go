// Cause 2, correct: the handler derives from r.Context(), so the
// middleware's deadline (r.WithContext) bounds the query as well.
package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"time"
)

func withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// query stands for a database call that honours its context.
func query(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Millisecond):
		return nil
	}
}

func handle(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := query(ctx); err != nil {
		http.Error(w, err.Error(), http.StatusGatewayTimeout)
	}
}

func main() {
	h := withDeadline(http.HandlerFunc(handle))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/orders", nil))
}
