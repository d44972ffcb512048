// The chain HTTP -> goroutine -> RPC across two processes, broken in the
// callee: process A serves /checkout, whose handler puts a 500 ms deadline
// on the request and calls process B's /price from a goroutine, over HTTP
// with lineage.Transport (an RPC in the manner of gRPC: the caller's
// lineage travels in traceparent/tracestate). B's handler ignores the
// incoming request's context and starts its long task under a context of
// its own from context.Background(), so A's deadline never reaches it.
//
//	chain -role b -events B.jsonl -addr-file B.addr
//	chain -role a -events A.jsonl -b ADDR
//
// A calls its own /checkout once, then B's /quit, and exits; B exits on
// /quit (or after 20 s). Used by tests/cli_lineage_progs.sh.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/leakscope/leakscope/go/lineage"
)

// taskTime is how long B's task runs when nothing cancels it; A's
// deadline is much shorter.
const taskTime = 2 * time.Second

func servePrice(w http.ResponseWriter, r *http.Request) {
	work, cancel := lineage.WithTimeout(context.Background(), taskTime) // FINDING new-root; WORK
	defer cancel()
	<-work.Done() // the long task, which stops when its context ends
	fmt.Fprintln(w, "42")
}

func checkout(b string) http.HandlerFunc {
	client := &http.Client{Transport: &lineage.Transport{}}
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := lineage.WithTimeout(r.Context(), 500*time.Millisecond)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			req, err := http.NewRequestWithContext(ctx, "GET", "http://"+b+"/price", nil)
			if err == nil {
				var resp *http.Response
				if resp, err = client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
			}
		case <-ctx.Done():
			http.Error(w, "price: "+ctx.Err().Error(), http.StatusGatewayTimeout)
		}
	}
}

func listen() (net.Listener, *http.ServeMux, *http.Server) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	return ln, mux, &http.Server{Handler: lineage.Middleware(mux)}
}

func runB(addrFile string) {
	ln, mux, srv := listen()
	quit := make(chan struct{})
	mux.HandleFunc("/price", servePrice)
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) { close(quit) })
	go srv.Serve(ln)
	if err := os.WriteFile(addrFile+".tmp", []byte(ln.Addr().String()), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(addrFile+".tmp", addrFile); err != nil {
		log.Fatal(err)
	}
	select {
	case <-quit:
	case <-time.After(20 * time.Second):
	}
	// Shutdown waits for the task still running in /price.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
}

func runA(b string) {
	ln, mux, srv := listen()
	mux.Handle("/checkout", checkout(b))
	go srv.Serve(ln)
	resp, err := http.Get("http://" + ln.Addr().String() + "/checkout")
	if err != nil {
		log.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println("checkout:", resp.Status)
	if _, err := http.Get("http://" + b + "/quit"); err != nil && !errors.Is(err, io.EOF) {
		log.Print(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

func main() {
	role := flag.String("role", "", "a or b")
	events := flag.String("events", "", "lineage events file")
	addrFile := flag.String("addr-file", "", "b: where to write its address")
	b := flag.String("b", "", "a: address of b")
	flag.Parse()
	s, err := lineage.Start(lineage.Config{Path: *events, Sample: "all", Sync: true})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	switch *role {
	case "a":
		runA(*b)
	case "b":
		runB(*addrFile)
	default:
		log.Fatal("-role a or -role b")
	}
}
