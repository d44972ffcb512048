// Command leakyserver is a small HTTP service with a typical goroutine
// leak, bundled with leakscope as an example input.
//
// GET /price?sku=X asks a slow backend for a price and gives up after
// 100ms. The goroutine that does the asking sends its answer on an
// unbuffered channel; when the handler has already given up, nobody ever
// receives, and the goroutine blocks forever (see lookupPrice). Under load
// the number of goroutines grows without bound: watch
// http://localhost:8080/debug/pprof/goroutine?debug=1.
//
// A background worker refreshes a cache until the server shuts down; it
// stops cleanly because it watches its context. With PRICE_URL set, prices
// come from an upstream service over HTTP instead (httpBackend), through a
// client with two classic bugs: a broken context chain and a response body
// left open on an error path.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cache := newPriceCache()
	go refreshLoop(ctx, cache, 5*time.Second)

	mux := http.NewServeMux()
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	var b backend = slowBackend{delay: 250 * time.Millisecond}
	if u := os.Getenv("PRICE_URL"); u != "" {
		b = httpBackend{client: &http.Client{Timeout: 5 * time.Second}, base: u}
	}
	mux.HandleFunc("GET /price", priceHandler(cache, b))

	srv := &http.Server{
		Addr:              ":8080",
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			log.Printf("shutdown: %v", err)
		}
	}()

	log.Printf("listening on %s", srv.Addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
