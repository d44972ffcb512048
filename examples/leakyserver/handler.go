package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// backend answers price queries, slowly.
type backend interface {
	Price(ctx context.Context, sku string) (int, error)
}

type slowBackend struct{ delay time.Duration }

func (b slowBackend) Price(ctx context.Context, sku string) (int, error) {
	time.Sleep(b.delay) // ignores ctx, like many real clients
	return len(sku) * 100, nil
}

type priceResult struct {
	cents int
	err   error
}

func priceHandler(cache *priceCache, b backend) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sku := r.URL.Query().Get("sku")
		if sku == "" {
			http.Error(w, "missing sku", http.StatusBadRequest)
			return
		}
		if cents, ok := cache.get(sku); ok {
			writeJSON(w, sku, cents)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 100*time.Millisecond)
		defer cancel()
		cents, err := lookupPrice(ctx, b, sku)
		if err != nil {
			http.Error(w, err.Error(), http.StatusGatewayTimeout)
			return
		}
		cache.put(sku, cents)
		writeJSON(w, sku, cents)
	}
}

// lookupPrice asks the backend on another goroutine so that it can give up
// when ctx ends.
//
// The leak: done is unbuffered. When ctx ends first, lookupPrice returns and
// nothing will ever receive from done, so the goroutine blocks on its send
// forever, holding on to everything it references. make(chan priceResult, 1)
// would let it finish.
func lookupPrice(ctx context.Context, b backend, sku string) (int, error) {
	done := make(chan priceResult)
	go func() {
		cents, err := b.Price(ctx, sku)
		done <- priceResult{cents, err}
	}()
	select {
	case res := <-done:
		return res.cents, res.err
	case <-ctx.Done():
		return 0, errors.Join(errors.New("price backend timed out"), ctx.Err())
	}
}

func writeJSON(w http.ResponseWriter, sku string, cents int) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"sku": sku, "cents": cents})
}
