// Package res002 holds RES002 findings for the fix tests.
package res002

import (
	"errors"
	"time"
)

var errStep = errors.New("step")

func step() error { return errStep }

// The ticker is lost on the early return: defer t.Stop() follows it.
func earlyReturn() error {
	t := time.NewTicker(time.Second) // fix
	if err := step(); err != nil {
		return err
	}
	<-t.C
	t.Stop()
	return nil
}

// A timer that a select may leave armed.
func waitOrQuit(quit <-chan struct{}) bool {
	timer := time.NewTimer(time.Minute) // fix
	select {
	case <-timer.C:
		return true
	case <-quit:
		return false
	}
}

// A goroutine waits on the timer's channel: RES002 does not report it (a
// timer that fires needs no Stop), and a deferred Stop could strand it.
func shared(done chan<- bool) error {
	t := time.NewTimer(time.Second)
	go func() { <-t.C; done <- true }()
	if err := step(); err != nil {
		return err
	}
	t.Stop()
	return nil
}

// Made in a loop body: a defer would pile up: no fix.
func inLoop(n int) {
	for i := 0; i < n; i++ {
		t := time.NewTicker(time.Second) // nofix
		<-t.C
		if i > 2 {
			return
		}
		t.Stop()
	}
}
