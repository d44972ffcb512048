package main

import (
	"os"
	"runtime/pprof"
	"time"
)

func lookup(ch chan int) { go func() { ch <- 1 }() }

func main() {
	ch := make(chan int)
	lookup(ch)
	time.Sleep(10 * time.Millisecond)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 1)
	os.Stdout.WriteString("=====\n")
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
}
