// load sends -n GET requests to -url from -c concurrent clients with
// keep-alive connections and prints the requests per second.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "", "the service")
	n := flag.Int("n", 20000, "requests")
	c := flag.Int("c", 8, "concurrent clients")
	flag.Parse()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *c}}
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < *c; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*n) {
				resp, err := client.Get(*url)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if failed.Load() > 0 {
		fmt.Fprintf(os.Stderr, "load: %d requests failed\n", failed.Load())
		os.Exit(1)
	}
	fmt.Printf("%.0f\n", float64(*n)/el.Seconds())
}
