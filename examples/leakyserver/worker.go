package main

import (
	"context"
	"log"
	"sync"
	"time"
)

// priceCache holds recent prices; refreshLoop empties it periodically.
type priceCache struct {
	mu     sync.Mutex
	prices map[string]int
}

func newPriceCache() *priceCache {
	return &priceCache{prices: make(map[string]int)}
}

func (c *priceCache) get(sku string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cents, ok := c.prices[sku]
	return cents, ok
}

func (c *priceCache) put(sku string, cents int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prices[sku] = cents
}

func (c *priceCache) reset() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.prices)
	clear(c.prices)
	return n
}

// refreshLoop is the worker goroutine: it drops cached prices every
// interval and returns when ctx is cancelled, so it never leaks.
func refreshLoop(ctx context.Context, c *priceCache, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			log.Printf("refresh loop: %v", context.Cause(ctx))
			return
		case <-t.C:
			if n := c.reset(); n > 0 {
				log.Printf("refresh loop: dropped %d cached prices", n)
			}
		}
	}
}
