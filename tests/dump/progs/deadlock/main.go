// Command deadlock parks every goroutine so the runtime gives up with
// "fatal error: all goroutines are asleep - deadlock!" and prints them all:
// main waits on a WaitGroup that 4 workers, blocked receiving from a channel
// nobody sends on, never release.
package main

import "sync"

const workers = 4

func main() {
	var wg sync.WaitGroup
	jobs := make(chan int)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs { // want: worker
			}
		}()
	}
	wg.Wait() // want: main
}
