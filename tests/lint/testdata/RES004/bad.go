// Package res004 holds the testdata of RES004 self-rearming-afterfunc:
// time.AfterFunc callbacks that schedule themselves again for ever.
package res004

import (
	"log"
	"time"
)

func work() {}

// poller refreshes something periodically.
type poller struct {
	closed bool
	next   *time.Timer
	timer  *time.Timer
	quit   chan struct{}
}

func (p *poller) refresh() {}

// poll re-arms itself through a method value.
func (p *poller) poll() {
	p.refresh()
	time.AfterFunc(time.Minute, p.poll) // want "the time.AfterFunc callback re-arms itself with no way to end the chain"
}

// heartbeat re-arms a plain function.
func heartbeat() {
	log.Print("alive")
	time.AfterFunc(10*time.Second, heartbeat) // want "re-arms itself"
}

// schedule passes a literal that calls schedule again.
func (p *poller) schedule() {
	time.AfterFunc(time.Second, func() { // want "re-arms itself"
		p.refresh()
		p.schedule()
	})
}

// loop does the same with a function.
func loop(d time.Duration) {
	time.AfterFunc(d, func() { // want "re-arms itself"
		work()
		loop(d)
	})
}

// varLiteral keeps the callback in a variable and re-arms with it.
func varLiteral(d time.Duration) {
	var tick func()
	tick = func() {
		work()
		time.AfterFunc(d, tick) // want "re-arms itself"
	}
	time.AfterFunc(d, tick)
}

// blankResult throws the *Timer away explicitly.
func (p *poller) blankResult() {
	p.refresh()
	_ = time.AfterFunc(time.Second, p.blankResult) // want "re-arms itself"
}

// keptNeverStopped stores the *Timer in a field nobody stops.
func (p *poller) keptNeverStopped() {
	p.refresh()
	p.next = time.AfterFunc(time.Second, p.keptNeverStopped) // want "the \\*Timer is not kept to Stop"
}

// cache is generic; its sweep re-arms itself.
type cache[K comparable] struct{ m map[K]int }

// sweep clears the map every minute, for ever.
func (c *cache[K]) sweep() {
	clear(c.m)
	time.AfterFunc(time.Minute, c.sweep) // want "re-arms itself"
}

// server has a value receiver.
type server struct{ addr string }

// ping re-arms on a value receiver.
func (s server) ping() {
	log.Print(s.addr)
	time.AfterFunc(time.Second, (s.ping)) // want "re-arms itself"
}

// retry re-arms with a growing argument and no limit.
func retry(n int) {
	log.Printf("attempt %d", n)
	time.AfterFunc(time.Duration(n)*time.Second, func() { // want "re-arms itself"
		retry(n + 1)
	})
}

// varAssignedDiscarded re-arms through a variable and assigns the timer
// to _.
func varAssignedDiscarded() {
	var again func()
	again = func() {
		work()
		_ = time.AfterFunc(time.Second, again) // want "re-arms itself"
	}
	again()
}
