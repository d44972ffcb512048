// Command crash dereferences a nil pointer; run with GOTRACEBACK=crash the
// runtime prints the signal, every goroutine including system ones (with
// gp=/m= headers and runtime frames), registers, and aborts.  3 goroutines
// are blocked receiving in main.waiter.  With the argument "quit" it sends
// itself SIGQUIT instead (register dump, "goroutine 0 [idle]" of the M).
package main

import (
	"os"
	"syscall"
	"time"
)

const waiters = 3

type node struct{ next *node }

func waiter(ch chan int) {
	<-ch // want: waiter
}

func main() {
	ch := make(chan int)
	for i := 0; i < waiters; i++ {
		go waiter(ch)
	}
	time.Sleep(100 * time.Millisecond)
	if len(os.Args) > 1 && os.Args[1] == "quit" {
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Second)
	}
	var n *node
	println(n.next.next) // want: crash
}
