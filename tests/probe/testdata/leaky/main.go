// leaky starts goroutines from known lines: some finish, and leakN of them
// block forever on a channel receive.  The probe tests build it plain,
// stripped and PIE and check what leakscope reads and reports.
package main

import (
	"flag"
	"fmt"
	"sync"
	"time"
)

func blockForever(ch chan int) {
	<-ch
}

func work(wg *sync.WaitGroup) {
	defer wg.Done()
	time.Sleep(time.Millisecond)
}

func main() {
	leakN := flag.Int("leak", 3, "goroutines that never end")
	doneN := flag.Int("done", 5, "goroutines that end")
	hold := flag.Duration("hold", 200*time.Millisecond, "time to stay alive after starting them")
	delay := flag.Duration("delay", 0, "time to wait before starting them")
	flag.Parse()
	time.Sleep(*delay)

	never := make(chan int)
	for i := 0; i < *leakN; i++ {
		go blockForever(never) // LEAK-SITE
	}
	var wg sync.WaitGroup
	for i := 0; i < *doneN; i++ {
		wg.Add(1)
		go work(&wg) // DONE-SITE
	}
	wg.Wait()
	time.Sleep(*hold)
	fmt.Println("leaked", *leakN, "finished", *doneN)
}
