// Command leaks parks goroutines in known ways and writes the goroutine
// profile in every format to the directory named by its argument:
//
//	goroutines.txt      debug=2 (tracebacks)
//	goroutines.debug1   debug=1 (aggregated text)
//	goroutines.pb.gz    debug=0 (gzip'd protobuf)
//	goroutineleak.pb.gz goroutineleak.debug1 goroutineleak.txt
//	                    (only with GOEXPERIMENT=goroutineleakprofile)
//
// The counts below are what the tests assert; the "// want:" comments mark
// the lines the parked frames point at (the tests find them with grep).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

const (
	senders  = 25 // blocked in chan send, channel unreachable: leaked
	tickers  = 3  // forgotten tickers: waiting in chan receive forever
	selects  = 4  // blocked selects
	mutexes  = 5  // waiting for a mutex that main holds
	conds    = 2  // waiting on a sync.Cond nobody signals
	labelled = 3  // chan receive with pprof labels job=export shard=7
)

// abandonSenders starts goroutines that send on channels nobody receives
// from or can reach (the goroutineleak profile finds exactly these).
func abandonSenders() {
	for i := 0; i < senders; i++ {
		go func() {
			ch := make(chan int)
			ch <- i // want: sender
		}()
	}
}

func forgetTickers() {
	for i := 0; i < tickers; i++ {
		t := time.NewTicker(time.Hour)
		go func() {
			for range t.C { // want: ticker
			}
		}()
	}
}

func blockSelects(never chan struct{}) {
	for i := 0; i < selects; i++ {
		go func() {
			select { // want: select
			case <-never:
			case <-time.After(time.Hour):
			}
		}()
	}
}

func waitMutex(mu *sync.Mutex) {
	for i := 0; i < mutexes; i++ {
		go func() {
			mu.Lock() // want: mutex
			mu.Unlock()
		}()
	}
}

func waitCond(c *sync.Cond) {
	for i := 0; i < conds; i++ {
		go func() {
			c.L.Lock()
			c.Wait() // want: cond
			c.L.Unlock()
		}()
	}
}

func labelledWorkers(never chan struct{}) {
	for i := 0; i < labelled; i++ {
		pprof.Do(context.Background(), pprof.Labels("job", "export", "shard", "7"), func(context.Context) {
			go func() {
				<-never // want: labelled
			}()
		})
	}
}

// chain makes goroutines that start goroutines, for GODEBUG=tracebackancestors.
func chain(never chan struct{}, depth int) {
	if depth == 0 {
		<-never // want: chain
		return
	}
	go chain(never, depth-1)
	<-never
}

func write(dir, name, profile string, debug int) {
	p := pprof.Lookup(profile)
	if p == nil {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := p.WriteTo(f, debug); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: leaks OUTDIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	never := make(chan struct{})
	var mu sync.Mutex
	mu.Lock()
	cond := sync.NewCond(&sync.Mutex{})

	abandonSenders()
	forgetTickers()
	blockSelects(never)
	waitMutex(&mu)
	waitCond(cond)
	labelledWorkers(never)
	go chain(never, 2)

	// Let every goroutine reach its parking spot.
	want := 1 + senders + tickers + selects + mutexes + conds + labelled + 3
	for i := 0; i < 500 && runtime.NumGoroutine() < want; i++ {
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)

	write(dir, "goroutines.txt", "goroutine", 2)
	write(dir, "goroutines.debug1", "goroutine", 1)
	write(dir, "goroutines.pb.gz", "goroutine", 0)
	write(dir, "goroutineleak.pb.gz", "goroutineleak", 0)
	write(dir, "goroutineleak.debug1", "goroutineleak", 1)
	write(dir, "goroutineleak.txt", "goroutineleak", 2) // every goroutine; leaked ones say so
	runtime.KeepAlive(never)
	runtime.KeepAlive(&mu)
	runtime.KeepAlive(cond)
}
