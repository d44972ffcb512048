// Package grt005 holds the testdata of GRT005 select-forever: statements
// that can never complete, outside package main.
package grt005

import "fmt"

func work() {}

// parkedGoroutine starts a goroutine that can never finish.
func parkedGoroutine() {
	go func() {
		work()
		select {} // want "select \\{\\} blocks this goroutine forever"
	}()
}

// parkedInBranch: the literal's own body is unconditional, whatever
// branch the go statement is in.
func parkedInBranch(start bool) {
	if start {
		go func() {
			select {} // want "select \\{\\} blocks"
		}()
	}
}

// neverReturns blocks its caller for good.
func neverReturns() {
	go work()
	select {} // want "select \\{\\} blocks"
}

type server struct{}

// Serve is a method that never returns.
func (s *server) Serve() {
	go work()
	select {} // want "select \\{\\} blocks"
}

// receiveNilLiteral receives from an explicit nil channel.
func receiveNilLiteral() {
	<-(chan int)(nil) // want "receiving from a nil channel blocks forever"
}

// sendNilLiteral sends on an explicit nil channel.
func sendNilLiteral() {
	(chan int)(nil) <- 1 // want "sending on a nil channel blocks forever"
}

// rangeNilLiteral ranges over an explicit nil channel.
func rangeNilLiteral() {
	for v := range (<-chan int)(nil) { // want "ranging over a nil channel"
		fmt.Println(v)
	}
}

// forgotMake declares the channel but never makes it.
func forgotMake() int {
	var results chan int
	go func() { work() }()
	return <-results // want "results is declared without make and never assigned.*receiving from it"
}

// forgotMakeSend sends on a channel that was never made.
func forgotMakeSend(v int) {
	var out chan<- int
	out <- v // want "out is declared without make.*sending on it"
}

// forgotMakeRange ranges over a channel that was never made.
func forgotMakeRange() {
	var in chan string
	for s := range in { // want "in is declared without make.*ranging over it"
		fmt.Println(s)
	}
}

// forgotMakeOK receives with ok from a channel that was never made.
func forgotMakeOK() bool {
	var done chan struct{}
	_, ok := <-done // want "done is declared without make"
	return ok
}

// allNilSelect waits on two channels that are both nil.
func allNilSelect() {
	var a chan int
	var b chan string
	select { // want "every case of this select is on a nil channel"
	case <-a:
	case s := <-b:
		fmt.Println(s)
	}
}
