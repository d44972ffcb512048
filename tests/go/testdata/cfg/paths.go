// Cases for tests/go/test_cfg.c.  Each function annotated "all-paths:"
// asks: after the statement marked "// from", is done() called, directly,
// in a condition or result, or via defer, on every path to a return (or
// off the end of the function)?  For "no", the path that misses ends on a
// line marked "// escapes" (a return, or the function's closing brace).
package cfg

import (
	"context"
	"errors"
	"log"
	"os"
	"runtime"
	"testing"
	"time"
)

func done() bool  { return true }
func setup() int  { return 0 }
func work() error { return nil }
func cond() bool  { return false }
func pick() int   { return 0 }
func use(...any)  {}

// ---- straight line, if/else ----

func straightLine() { // all-paths: yes
	setup() // from
	work()
	done()
}

func straightLineMissing() { // all-paths: no
	setup() // from
	work()
} // escapes

func earlyReturn() error { // all-paths: no
	setup() // from
	if err := work(); err != nil {
		return err // escapes
	}
	done()
	return nil
}

func earlyReturnCalls() error { // all-paths: yes
	setup() // from
	if err := work(); err != nil {
		done()
		return err
	}
	done()
	return nil
}

func ifElseBoth() { // all-paths: yes
	setup() // from
	if cond() {
		done()
	} else {
		done()
	}
}

func ifElseOne() { // all-paths: no
	setup() // from
	if cond() {
		done()
	} else {
		work()
	}
} // escapes

func elseIfChain() int { // all-paths: no
	setup() // from
	if cond() {
		done()
		return 1
	} else if cond() {
		done()
		return 2
	} else if cond() {
		return 3 // escapes
	}
	done()
	return 4
}

func inInit() { // all-paths: yes
	setup() // from
	if done(); cond() {
		return
	}
}

func inCondition() int { // all-paths: yes
	setup() // from
	if !done() {
		return 1
	}
	return 0
}

func inResult() bool { // all-paths: yes
	setup() // from
	if cond() {
		return done()
	}
	return !done()
}

func fromInsideIf() error { // all-paths: no
	if cond() {
		setup() // from
		if err := work(); err != nil {
			return err // escapes
		}
		defer done()
	}
	return nil
}

// ---- defer ----

func deferFirst() error { // all-paths: yes
	setup() // from
	defer done()
	if err := work(); err != nil {
		return err
	}
	return nil
}

func deferAfterEarlyReturn() error { // all-paths: no
	setup() // from
	if err := work(); err != nil {
		return err // escapes
	}
	defer done()
	return nil
}

func deferClosure() { // all-paths: yes
	setup() // from
	defer func() {
		done()
	}()
	work()
}

func deferInLoopMayNotRun() error { // all-paths: no
	setup() // from
	for i := 0; i < pick(); i++ {
		defer done()
	}
	return nil // escapes
}

func deferInLoopBeforeReturn() error { // all-paths: yes
	setup() // from
	for {
		defer done()
		if cond() {
			return nil
		}
	}
}

// ---- switch ----

func switchNoDefault() { // all-paths: no
	setup() // from
	switch pick() {
	case 1:
		done()
	case 2:
		done()
	}
} // escapes

func switchDefault() { // all-paths: yes
	setup() // from
	switch pick() {
	case 1:
		done()
	case 2, 3:
		done()
	default:
		done()
	}
}

func switchArmMissing() int { // all-paths: no
	setup() // from
	switch x := pick(); x {
	case 1:
		done()
		return 1
	case 2:
		return 2 // escapes
	default:
		done()
	}
	return 0
}

func switchDefaultFirst() { // all-paths: yes
	setup() // from
	switch {
	default:
		done()
	case cond():
		done()
	}
}

func switchFirstCaseCalls() { // all-paths: yes
	setup() // from
	switch {
	case done():
		work()
	case cond():
		work()
	}
}

func switchBreak() { // all-paths: no
	setup() // from
	switch pick() {
	case 1:
		if cond() {
			break
		}
		done()
		return
	default:
		done()
		return
	}
} // escapes

func fallthroughCovers() { // all-paths: yes
	setup() // from
	switch pick() {
	case 1:
		work()
		fallthrough
	case 2:
		done()
	default:
		done()
	}
}

func fallthroughMisses() { // all-paths: no
	setup() // from
	switch pick() {
	case 1:
		work()
		fallthrough
	case 2:
		work()
	default:
		done()
	}
} // escapes

func fallthroughSkipsCaseTest(x bool) { // all-paths: no
	setup() // from
	switch x {
	case cond():
		fallthrough
	case done():
		return // escapes
	default:
		done()
	}
}

func typeSwitch(v any) { // all-paths: no
	setup() // from
	switch x := v.(type) {
	case int:
		use(x)
		done()
	case string:
		use(x)
	default:
		done()
	}
} // escapes

func typeSwitchAll(v any) { // all-paths: yes
	setup() // from
	switch v.(type) {
	case int, int64:
		done()
	case nil:
		done()
	default:
		done()
	}
}

func typeSwitchNoDefault(v any) { // all-paths: no
	setup() // from
	switch v.(type) {
	case int:
		done()
	}
} // escapes

// ---- select ----

func selectArms(a, b chan int) { // all-paths: yes
	setup() // from
	select {
	case <-a:
		done()
	case v := <-b:
		use(v)
		done()
	}
}

func selectArmMissing(a chan int) int { // all-paths: no
	setup() // from
	select {
	case <-a:
		done()
		return 1
	default:
		return 0 // escapes
	}
}

func selectBreak(a chan int) { // all-paths: no
	setup() // from
	select {
	case <-a:
		if cond() {
			break
		}
		done()
	}
} // escapes

func selectForever() { // all-paths: yes
	setup() // from
	if cond() {
		done()
		return
	}
	select {}
}

// ---- loops ----

func infiniteLoop() { // all-paths: yes
	setup() // from
	for {
		work()
	}
}

func infiniteLoopWithBreak() { // all-paths: no
	setup() // from
	for {
		if cond() {
			break
		}
	}
} // escapes

func infiniteLoopReturn() int { // all-paths: no
	setup() // from
	for {
		if cond() {
			return 1 // escapes
		}
		done()
	}
}

func loopBreak() { // all-paths: yes
	setup() // from
	for {
		if cond() {
			done()
			break
		}
		work()
	}
}

func loopBreakMissing() { // all-paths: no
	setup() // from
	for {
		if cond() {
			break
		}
		done()
	}
} // escapes

func loopCondMayNotRun() { // all-paths: no
	setup() // from
	for i := 0; i < pick(); i++ {
		done()
	}
} // escapes

func loopContinue() error { // all-paths: no
	setup() // from
	for i := 0; i < 3; i++ {
		if cond() {
			continue
		}
		done()
		return nil
	}
	return errors.New("no luck") // escapes
}

func loopContinueCovered() { // all-paths: yes
	setup() // from
	for {
		if cond() {
			continue
		}
		done()
		return
	}
}

func loopPostNotEnough() { // all-paths: no
	setup() // from
	for i := 0; cond(); done() {
		i++
	}
} // escapes

func fromInLoop() { // all-paths: yes
	for i := 0; i < 3; i++ {
		setup() // from
		done()
	}
}

func rangeLoop(xs []int) { // all-paths: yes
	setup() // from
	for _, x := range xs {
		if x < 0 {
			done()
			return
		}
	}
	done()
}

func rangeLoopMissing(xs []int) { // all-paths: no
	setup() // from
	for _, x := range xs {
		if x < 0 {
			return // escapes
		}
	}
	done()
}

func labelledBreak() { // all-paths: yes
	setup() // from
outer:
	for {
		for {
			if cond() {
				done()
				break outer
			}
			if cond() {
				break
			}
		}
	}
}

func labelledBreakMissing() { // all-paths: no
	setup() // from
outer:
	for {
		for {
			if cond() {
				break outer
			}
			if cond() {
				done()
				break
			}
		}
	}
} // escapes

func labelledContinue() { // all-paths: yes
	setup() // from
outer:
	for {
		for {
			if cond() {
				continue outer
			}
			if cond() {
				break
			}
		}
		done()
		return
	}
}

func breakLoopFromSwitch() { // all-paths: no
	setup() // from
loop:
	for {
		switch pick() {
		case 0:
			break loop
		case 1:
			break
		default:
			done()
			return
		}
	}
} // escapes

func breakLoopFromSwitchCovered() { // all-paths: yes
	setup() // from
loop:
	for {
		switch pick() {
		case 0:
			done()
			break loop
		case 1:
			break
		default:
			done()
			return
		}
	}
}

// ---- goto ----

func gotoForward() error { // all-paths: yes
	setup() // from
	if err := work(); err != nil {
		goto fail
	}
	done()
	return nil
fail:
	done()
	return errors.New("failed")
}

func gotoForwardMissing() error { // all-paths: no
	setup() // from
	if err := work(); err != nil {
		goto fail
	}
	done()
	return nil
fail:
	return errors.New("failed") // escapes
}

func gotoSkips() { // all-paths: no
	setup() // from
	if cond() {
		goto end
	}
	done()
end:
	work()
} // escapes

func gotoBackward() { // all-paths: yes
	setup() // from
again:
	if cond() {
		goto again
	}
	done()
}

func gotoForever() { // all-paths: yes
	setup() // from
loop:
	work()
	goto loop
}

// ---- no-return calls ----

func panicPath() error { // all-paths: yes
	setup() // from
	if err := work(); err != nil {
		panic(err)
	}
	done()
	return nil
}

func osExitPath() { // all-paths: yes
	setup() // from
	if cond() {
		os.Exit(1)
	}
	done()
}

func logFatalPath() { // all-paths: yes
	setup() // from
	if err := work(); err != nil {
		log.Fatalf("work: %v", err)
	}
	done()
}

func logPrintfPath() { // all-paths: no
	setup() // from
	if err := work(); err != nil {
		log.Printf("work: %v", err)
		return // escapes
	}
	done()
}

func testFatalPath(t *testing.T) { // all-paths: yes
	setup() // from
	if err := work(); err != nil {
		t.Fatal(err)
	}
	done()
}

func testErrorPath(t *testing.T) { // all-paths: no
	setup() // from
	if err := work(); err != nil {
		t.Error(err)
		return // escapes
	}
	done()
}

func skipNowPath(b *testing.B) { // all-paths: yes
	setup() // from
	if cond() {
		b.SkipNow()
	}
	done()
}

func goexitPath() { // all-paths: yes
	setup() // from
	if cond() {
		runtime.Goexit()
	}
	defer done()
}

func panicInClosureOnly() { // all-paths: no
	setup() // from
	if cond() {
		func() { panic("inner") }()
		return // escapes
	}
	done()
}

// ---- closures are separate functions ----

func closureCallsDone() { // all-paths: no
	setup() // from
	f := func() {
		done()
	}
	_ = f
} // escapes

func goroutineCallsDone() { // all-paths: no
	setup() // from
	go func() {
		done()
	}()
} // escapes

func closureReturns() { // all-paths: yes
	setup() // from
	f := func() int {
		if cond() {
			return 1
		}
		return pick()
	}
	use(f)
	done()
}

// ---- the lost-cancel shape, with done standing for cancel ----

func lostCancelShape(parent context.Context) error { // all-paths: no
	ctx, cancel := context.WithTimeout(parent, time.Second) // from
	use(ctx, cancel)
	if err := work(); err != nil {
		return err // escapes
	}
	defer done()
	return nil
}
