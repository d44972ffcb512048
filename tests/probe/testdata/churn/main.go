// churn starts and ends -n goroutines, -batch at a time, and prints how
// long that took; none is left behind.  The probe's churn test and
// bench/probe.sh run it with and without the probe.
package main

import (
	"flag"
	"fmt"
	"sync"
	"time"
)

var sink int

func main() {
	n := flag.Int("n", 1000000, "goroutines to start and end")
	batch := flag.Int("batch", 1000, "goroutines alive at once at most")
	flag.Parse()

	start := time.Now()
	var mu sync.Mutex
	for done := 0; done < *n; {
		k := min(*batch, *n-done)
		var wg sync.WaitGroup
		wg.Add(k)
		for i := 0; i < k; i++ {
			go func(v int) {
				mu.Lock()
				sink += v
				mu.Unlock()
				wg.Done()
			}(i)
		}
		wg.Wait()
		done += k
	}
	el := time.Since(start)
	fmt.Printf("started and ended %d goroutines in %v (%.0f ns each)\n", *n, el, float64(el.Nanoseconds())/float64(*n))
}
