// server is the HTTP service of bench/probe.sh: it answers every request
// with a small JSON body, starting one helper goroutine per request (as
// handlers that fan out do), and prints its address on stdout.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ch := make(chan int, 1)
		go func() { ch <- len(r.URL.Path) }()
		fmt.Fprintf(w, "{\"n\":%d}\n", <-ch)
	})
	_ = http.Serve(ln, nil)
}
