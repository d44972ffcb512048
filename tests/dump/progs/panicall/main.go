// Command panicall panics in a goroutine while others are parked; run with
// GOTRACEBACK=all the runtime prints every goroutine after "panic: ...".
// 6 goroutines are blocked sending; the panicking one is in main.explode.
package main

import "time"

const blocked = 6

func explode(done chan struct{}) {
	<-done
	panic("boom: leakscope fixture") // want: panic
}

func main() {
	ch := make(chan int)
	for i := 0; i < blocked; i++ {
		go func() {
			ch <- i // want: blocked
		}()
	}
	done := make(chan struct{})
	go explode(done)
	time.Sleep(100 * time.Millisecond)
	close(done)
	select {}
}
