// Command tool shows that main may keep its tickers for the program's life.
package main

import (
	"fmt"
	"time"
)

// main ticks forever: the program's lifetime is the ticker's.
func main() {
	t := time.NewTicker(time.Second)
	for range time.Tick(time.Minute) {
		<-t.C
		fmt.Println("tick")
	}
}
