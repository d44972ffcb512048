// Command daemon shows goroutines that live as long as the program.
package main

import (
	"context"
	"fmt"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background())
	defer stop()
	quit := make(chan struct{})
	// lives as long as main: its shutdown is the process's
	go func() {
		_ = ctx
		for {
			select {
			case <-quit:
				return
			case <-time.After(time.Second):
				fmt.Println("tick")
			}
		}
	}()
	<-ctx.Done()
	close(quit)
}
