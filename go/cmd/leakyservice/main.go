// Command leakyservice is a small HTTP service that leaks goroutines on
// demand, for testing `leakscope watch` against a live target.
//
// It serves net/http/pprof and three knobs:
//
//	/leak?n=N    starts N goroutines that block forever on a channel send
//	             (leakSend, a fixed line) — the leak
//	/pool        reports the size of the stable worker pool
//	/ready       answers "ok" once the pool is running
//
// A pool of -workers goroutines waits on a job channel the whole time: a
// stable bucket that must never alert.  -idle N adds N more goroutines that
// wait for ever, spread over -stacks distinct stacks (nested calls of
// different depths): the load of bench/watch.sh.  The listening address (with the
// port the kernel chose for -addr 127.0.0.1:0) is printed on stdout as the
// first line, "listening on ADDR", so that tests can find it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync/atomic"
)

var (
	leakCh = make(chan int) // never received from
	jobs   = make(chan func())
	leaked atomic.Int64
)

// leakSend blocks forever: nobody receives from leakCh.
func leakSend(i int) {
	leakCh <- i // the leak: tests look for this line
}

// idle waits for ever on a stack depth frames deeper than its caller's, so
// that goroutines started with different depths land in different buckets.
func idle(ch chan int, depth int) {
	if depth > 0 {
		idle(ch, depth-1)
		return
	}
	<-ch
}

// worker is one goroutine of the stable pool.
func worker() {
	for job := range jobs {
		job()
	}
}

func handleLeak(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 || n > 1_000_000 {
		http.Error(w, "want /leak?n=COUNT with 0 <= COUNT <= 1000000", http.StatusBadRequest)
		return
	}
	for i := 0; i < n; i++ {
		go leakSend(i)
	}
	total := leaked.Add(int64(n))
	fmt.Fprintf(w, "leaked %d goroutines, %d in all\n", n, total)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	workers := flag.Int("workers", 20, "goroutines in the stable pool")
	idleCount := flag.Int("idle", 0, "goroutines that wait for ever (bench/watch.sh)")
	stacks := flag.Int("stacks", 50, "distinct stacks of the -idle goroutines")
	flag.Parse()

	never := make(chan int)
	for i := 0; i < *idleCount; i++ {
		go idle(never, i%max(*stacks, 1))
	}
	for i := 0; i < *workers; i++ {
		go worker()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/leak", handleLeak)
	http.HandleFunc("/pool", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "%d\n", *workers)
	})
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	fmt.Printf("listening on %s\n", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
