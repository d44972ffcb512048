// GRT002 sleep-poller, leaking form: a poller that sleeps and polls for
// ever; nothing can stop it once the session that started it has ended.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var polls atomic.Int64

// startPoller polls every 10 ms.
func startPoller() {
	go func() {
		for {
			time.Sleep(10 * time.Millisecond)
			polls.Add(1)
		}
	}()
}

// session is the caller: it needs polling only while it runs.
func session() {
	startPoller()
	time.Sleep(30 * time.Millisecond)
}

func main() {
	before := runtime.NumGoroutine()
	session()
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	fmt.Printf("leaked=%d\n", runtime.NumGoroutine()-before)
}
