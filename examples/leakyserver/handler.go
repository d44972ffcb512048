package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// httpBackend asks an upstream price service over HTTP.
type httpBackend struct {
	client *http.Client
	base   string
}

func (b httpBackend) Price(ctx context.Context, sku string) (int, error) {
	// The broken chain: the request is built on context.Background(), so the
	// handler's 100ms timeout never reaches it.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
		b.base+"/price?sku="+url.QueryEscape(sku), nil)
	if err != nil {
		return 0, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not closed on this path: the connection is not reused.
		return 0, fmt.Errorf("price service: %s", resp.Status)
	}
	defer resp.Body.Close()
	var out struct {
		Cents int `json:"cents"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, err
	}
	return out.Cents, nil
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
