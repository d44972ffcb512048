// GRT002 method-receive, leaking form: a method started with `go s.loop()`
// receives in an endless loop; Close cannot reach it.
package main

import (
	"fmt"
	"runtime"
	"time"
)

type store struct {
	reqs chan string
	data map[string]int
}

func newStore() *store {
	s := &store{reqs: make(chan string), data: map[string]int{}}
	s.start()
	return s
}

// start runs the store's loop.
func (s *store) start() {
	go s.loop()
}

func (s *store) loop() {
	for {
		k := <-s.reqs
		s.data[k]++
	}
}

func (s *store) Add(k string) { s.reqs <- k }

// Close is all a user can call; the loop never notices.
func (s *store) Close() {}

func use() {
	s := newStore()
	defer s.Close()
	s.Add("a")
	s.Add("b")
}

func main() {
	before := runtime.NumGoroutine()
	use()
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
