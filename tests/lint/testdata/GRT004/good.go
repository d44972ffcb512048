package grt004

import (
	"os"
	"sync"

	"example.com/grt004/errgroup"
)

// idiom adds before go and defers Done.
func idiom(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := step(i); err != nil {
				return
			}
			work(i)
		}()
	}
	wg.Wait()
}

// waitGroupGo uses Go 1.25's wg.Go, which counts for us.
func waitGroupGo(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Go(func() {
			work(i)
		})
	}
	wg.Wait()
}

// group uses errgroup.
func group(n int) error {
	var g errgroup.Group
	for i := 0; i < n; i++ {
		g.Go(func() error {
			return step(i)
		})
	}
	return g.Wait()
}

// everyPath calls Done explicitly before each way out.
func everyPath(v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if err := step(v); err != nil {
			wg.Done()
			return
		}
		work(v)
		wg.Done()
	}()
	wg.Wait()
}

// countsItems: the WaitGroup counts items, one Done per item.
func countsItems(items []int) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	ch := make(chan int)
	go func() {
		for it := range ch {
			if it < 0 {
				return
			}
			work(it)
			wg.Done()
		}
	}()
	for _, it := range items {
		ch <- it
	}
	wg.Wait()
}

// finish takes over the Done.
func finish(wg *sync.WaitGroup) { wg.Done() }

// handedOn passes the WaitGroup to a helper on the other path.
func handedOn(v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if step(v) != nil {
			finish(&wg)
			return
		}
		wg.Done()
	}()
	wg.Wait()
}

// parentCounted: the counted parent adds for the children it starts.
func parentCounted(n int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(i)
			}()
		}
	}()
	wg.Wait()
}

// exitPath ends the process on the path without Done.
func exitPath(v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if step(v) != nil {
			os.Exit(1)
		}
		wg.Done()
	}()
	wg.Wait()
}

// unrecoveredPanic crashes the program on the path without Done.
func unrecoveredPanic(v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if v < 0 {
			panic("negative")
		}
		wg.Done()
	}()
	wg.Wait()
}

// deferredLiteral defers a literal that calls Done.
func deferredLiteral(v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer func() {
			work(v)
			wg.Done()
		}()
		if step(v) != nil {
			return
		}
	}()
	wg.Wait()
}

// counter is not a sync.WaitGroup, though it has Add and Done.
type counter struct{ n int }

// Add adds.
func (c *counter) Add(d int) { c.n += d }

// Done subtracts one.
func (c *counter) Done() { c.n-- }

// notAWaitGroup uses the counter.
func notAWaitGroup(v int) {
	var c counter
	go func() {
		c.Add(1)
		if v < 0 {
			return
		}
		c.Done()
	}()
}

// rangeThenDone drains a channel and calls Done once after the loop.
func rangeThenDone(ch <-chan int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for v := range ch {
			work(v)
		}
		wg.Done()
	}()
	wg.Wait()
}

// onceDone hands wg.Done to sync.Once.
func onceDone(v int) {
	var wg sync.WaitGroup
	var once sync.Once
	wg.Add(1)
	go func() {
		if v > 0 {
			once.Do(wg.Done)
			return
		}
		wg.Done()
	}()
	wg.Wait()
}

// ---- a child started through a helper (docs/accuracy.md, "More modules")

type mirror struct {
	wg  sync.WaitGroup
	qch chan struct{}
}

// startGoRoutine stands for a supervisor that starts f as a goroutine,
// or not at all when shutting down.
func startGoRoutine(f func()) bool {
	go f()
	return true
}

func processMirror(m *mirror, ready *sync.WaitGroup) {
	defer m.wg.Done()
	ready.Done()
	<-m.qch
}

// setupMirror runs in a goroutine and adds for the child the helper starts;
// the Done on the failure branch undoes the Add when nothing was started.
func setupMirror(m *mirror, resp chan int) {
	go func() {
		var ready sync.WaitGroup
		<-resp
		m.wg.Add(1)
		ready.Add(1)
		if !startGoRoutine(func() { processMirror(m, &ready) }) {
			m.wg.Done()
			ready.Done()
		}
		ready.Wait()
	}()
}
