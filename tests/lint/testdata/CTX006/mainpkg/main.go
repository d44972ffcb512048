// Command mainpkg shows that func main is not judged: returning from it
// ends the process.
package main

import (
	"context"
	"time"
)

func save(ctx context.Context) error { return ctx.Err() }

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	go func() {
		_ = save(ctx)
	}()
	time.Sleep(10 * time.Millisecond)
}
