// GRT002 method-receive, fixed form: the loop ranges over the channel and
// Close closes it, so the loop ends.
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
	for k := range s.reqs {
		s.data[k]++
	}
}

func (s *store) Add(k string) { s.reqs <- k }

// Close ends the loop.
func (s *store) Close() { close(s.reqs) }

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
