// Package grt004 holds the testdata of GRT004 waitgroup-misuse: Add inside
// the goroutine it counts, and goroutines that miss Done on some path.
package grt004

import (
	"errors"
	"log"
	"sync"
)

var errStep = errors.New("step failed")

func step(int) error { return nil }

func work(int) {}

// addFirst is the shape go vet knows: Add as the goroutine's first
// statement.
func addFirst(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		go func() {
			wg.Add(1) // want "wg.Add is called inside the goroutine it counts.*call wg.Add before the go statement"
			defer wg.Done()
			work(i)
		}()
	}
	wg.Wait()
}

// addLater calls Add after other work, where go vet does not look.
func addLater(n int) {
	wg := &sync.WaitGroup{}
	for i := 0; i < n; i++ {
		go func() {
			log.Printf("worker %d", i)
			wg.Add(1) // want "races with wg.Wait"
			work(i)
			wg.Done()
		}()
	}
	wg.Wait()
}

// addInParam counts through a parameter of the literal.
func addInParam() {
	var wg sync.WaitGroup
	go func(g *sync.WaitGroup) {
		g.Add(1) // want "g.Add is called inside the goroutine it counts"
		defer g.Done()
	}(&wg)
	wg.Wait()
}

// namedWorker is started with go and counts itself.
func namedWorker(wg *sync.WaitGroup, i int) {
	wg.Add(1) // want "wg.Add is called inside the goroutine it counts"
	defer wg.Done()
	work(i)
}

// startNamed starts namedWorker.
func startNamed(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		go namedWorker(&wg, i)
	}
	wg.Wait()
}

// server keeps its WaitGroup in a field.
type server struct {
	wg   sync.WaitGroup
	jobs chan int
}

// loop is started by start and counts itself through the field.
func (s *server) loop() {
	s.wg.Add(1) // want "s.wg.Add is called inside the goroutine it counts"
	defer s.wg.Done()
	for j := range s.jobs {
		work(j)
	}
}

// start starts the loop.
func (s *server) start() { go s.loop() }

// earlyReturn misses Done when the step fails.
func earlyReturn(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			if err := step(i); err != nil {
				log.Print(err)
				return
			}
			wg.Done() // want "the goroutine calls wg.Done\\(\\) on some paths only.*defer wg.Done\\(\\) at the top"
		}()
	}
	wg.Wait()
}

// fallsOff calls Done only in the then branch and falls off the end.
func fallsOff(ok bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if ok {
			work(1)
			wg.Done() // want "on some paths only"
		}
	}()
	wg.Wait()
}

// switchArm forgets Done in one arm.
func switchArm(mode int) {
	wg := new(sync.WaitGroup)
	wg.Add(1)
	go func() {
		switch mode {
		case 0:
			wg.Done() // want "on some paths only"
		case 1:
			work(1)
		default:
			wg.Done()
		}
	}()
	wg.Wait()
}

// recovered turns a panic into a return without Done.
func recovered(v int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				log.Print(r)
			}
		}()
		if v < 0 {
			panic(errStep)
		}
		work(v)
		wg.Done() // want "on some paths only"
	}()
	wg.Wait()
}

// fieldDone misses Done on the field's error path.
func (s *server) fieldDone(v int) {
	s.wg.Add(1)
	go func() {
		if step(v) != nil {
			return
		}
		s.wg.Done() // want "s.wg.Done\\(\\) on some paths only"
	}()
}

// namedDone is started with go and misses Done on its error path.
func namedDone(wg *sync.WaitGroup, v int) {
	if err := step(v); err != nil {
		return
	}
	wg.Done() // want "wg.Done\\(\\) on some paths only"
}

// startNamedDone starts namedDone.
func startNamedDone() {
	var wg sync.WaitGroup
	wg.Add(1)
	go namedDone(&wg, 1)
	wg.Wait()
}

// selectReturn leaves through one select case without Done.
func selectReturn(in <-chan int, quit <-chan struct{}) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		select {
		case v := <-in:
			work(v)
		case <-quit:
			return
		}
		wg.Done() // want "on some paths only"
	}()
	wg.Wait()
}

// otherFile uses a WaitGroup field declared in another file of the package.
func (p *pool) otherFile(v int) {
	p.workers.Add(1)
	go func() {
		if v == 0 {
			return
		}
		p.workers.Done() // want "p.workers.Done\\(\\) on some paths only"
	}()
}

// serve is started by run as a method and misses Done without jobs.
func (s *server) serve() {
	if s.jobs == nil {
		return
	}
	for j := range s.jobs {
		work(j)
	}
	s.wg.Done() // want "s.wg.Done\\(\\) on some paths only"
}

// run counts serve and starts it.
func (s *server) run() {
	s.wg.Add(1)
	go s.serve()
	s.wg.Wait()
}

// logAfterAdd hands a literal to a call after the Add, but the literal
// cannot reach the WaitGroup: the goroutine still counts itself.
func logAfterAdd(n int, each func(func())) {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1) // want "wg.Add is called inside the goroutine it counts"
		defer wg.Done()
		each(func() { work(n) })
	}()
	wg.Wait()
}
