// Command daemon shows goroutines that live as long as the program.
package main

import (
	"fmt"
	"time"
)

// startMetrics is called by main: its goroutine lives as long as the program.
func startMetrics() {
	go func() {
		for {
			time.Sleep(time.Second)
			fmt.Println("tick")
		}
	}()
}

// notCalledFromMain is a helper main never calls by name: reported.
func notCalledFromMain(in <-chan int) {
	go func() { // want "no way out"
		for {
			fmt.Println(<-in)
		}
	}()
}

func main() {
	in := make(chan int)
	go func() {
		for {
			fmt.Println(<-in)
		}
	}()
	startMetrics()
	_ = notCalledFromMain
	select {}
}
