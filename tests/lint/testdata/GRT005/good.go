package grt005

import (
	"context"
	"flag"
	"fmt"
)

var serveForever = flag.Bool("serve", false, "keep serving")

// disableCase is the idiom: a nil channel turns its select case off.
func disableCase(ctx context.Context, src <-chan int, enabled bool) {
	var in <-chan int
	if enabled {
		in = src
	}
	select {
	case v := <-in:
		fmt.Println(v)
	case <-ctx.Done():
	}
}

// drainUntilClosed sets each channel to nil once it is closed.
func drainUntilClosed(a, b <-chan int) {
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			fmt.Println(v)
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			fmt.Println(v)
		}
	}
}

// parkOnFlag parks on purpose in a special mode (like httptest -serve).
func parkOnFlag() {
	go work()
	if *serveForever {
		fmt.Println("serving")
		select {}
	}
}

// madeLater is assigned before use.
func madeLater() int {
	var ch chan int
	ch = make(chan int, 1)
	ch <- 1
	return <-ch
}

// guarded checks for nil before receiving.
func guarded(maybe bool) {
	var ch chan int
	if maybe {
		ch = make(chan int)
		close(ch)
	}
	if ch != nil {
		<-ch
	}
}

func fill(p *chan int) { *p = make(chan int, 1) }

// byAddress lets a helper make the channel.
func byAddress() int {
	var ch chan int
	fill(&ch)
	ch <- 1
	return <-ch
}

// inClosure is assigned by a closure.
func inClosure() int {
	var ch chan int
	setup := func() { ch = make(chan int, 1) }
	setup()
	ch <- 2
	return <-ch
}

// nilLiteralCase: a nil literal as one case among live ones is disabled.
func nilLiteralCase(ctx context.Context) {
	select {
	case <-(chan int)(nil):
	case <-ctx.Done():
	}
}

// initialised declares the channel with its make.
func initialised() int {
	var ch = make(chan int, 1)
	ch <- 3
	return <-ch
}

// rangeAssign assigns the channel variable in a range clause.
func rangeAssign(chans []chan int) {
	var ch chan int
	for _, ch = range chans {
	}
	if len(chans) > 0 {
		<-ch
	}
}

// closeNil panics rather than blocking: not this rule's finding.
func closeNil() {
	defer func() { _ = recover() }()
	close((chan bool)(nil))
}

// selectWithDefault never blocks.
func selectWithDefault() {
	var a chan int
	select {
	case <-a:
	default:
	}
}

// suppressed documents why it parks.
func suppressed() {
	go work()
	select {} //leakscope:ignore GRT005 this worker lives as long as the process
}
