package watchdog_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/leakscope/leakscope/go/watchdog"
)

func Example() {
	w := watchdog.New(watchdog.Config{
		Interval: 30 * time.Second, // the defaults: growth ≥ 15% and ≥ 50 in 5 minutes, blocked ≥ 20% twice
		Handler: func(a watchdog.Alert) {
			log.Printf("goroutine leak suspect (%v): bucket %s grew from %d to %d, created by %s\n%s",
				a.Reason, watchdog.FormatID(a.Bucket.ID), a.From, a.Count, a.CreatedBy, a.Bucket.Stack)
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)

	// Serve the samples where `leakscope watch` (or go tool pprof) polls.
	http.Handle("/debug/pprof/goroutine", w)
}

func ExampleWatchdog_Sample() {
	w := watchdog.New(watchdog.Config{})
	s, err := w.Sample()
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Total > 0, len(s.Buckets) > 0)
	// Output: true true
}

func ExampleStackID() {
	// The example of docs/dump-buckets.md: the runtime's frames do not
	// count, so a traceback and a profile of this goroutine agree.
	id := watchdog.StackID([]watchdog.Frame{
		{Func: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 460},
		{Func: "runtime.chansend", File: "/usr/local/go/src/runtime/chan.go", Line: 283},
		{Func: "runtime.chansend1", File: "/usr/local/go/src/runtime/chan.go", Line: 161},
		{Func: "main.lookup.func1", File: "/src/app/main.go", Line: 21},
	}, false)
	fmt.Println(watchdog.FormatID(id))
	// Output: df0d811f5b9258a2
}
