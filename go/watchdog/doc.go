// Package watchdog notices goroutine leaks from inside the process that
// has them.
//
// A [Watchdog] samples the process's own goroutines on an interval, groups
// them into buckets of equal stacks, and calls a handler when a bucket looks
// like a leak:
//
//   - growth: the bucket grew by at least 50 goroutines and by at least 15%
//     within 5 minutes;
//   - blocked: more than 20% of all goroutines were blocked on channels,
//     selects or sync primitives in 2 consecutive samples (the alert names
//     the largest blocked bucket).
//
// These are the thresholds of `leakscope dump` and `leakscope watch`, and
// all are configurable ([Config]). An alert fires once per bucket until the
// bucket recovers. It carries the bucket's normalized stack and the
// creation site of its goroutines (the go statement), found in a one-off
// full traceback taken when the alert fires.
//
// Bucket IDs are those of docs/dump-buckets.md in the leakscope repository:
// XXH64 (seed 0) of the normalized stack, one "FUNC FILE:LINE" line per
// frame, so a bucket the watchdog reports is the bucket `leakscope dump`
// shows for a /debug/pprof/goroutine?debug=1 profile of the same process,
// under the same 16-hex-digit ID. The package carries its own XXH64,
// checked against libxxhash's output.
//
// A sample reads runtime.GoroutineProfile (PCs only, nothing formatted),
// counts equal PC stacks, and symbolizes a stack only the first time it is
// seen. At 100,000 goroutines a sample costs about 140 ms of CPU on a
// shared 2-core machine, nearly all of it the runtime's collection of the
// stacks; with the default 30 s interval that is under 0.5% of one core.
// (docs/gokit.md has the measurements and the alternatives.)
//
// A Watchdog is also a [net/http.Handler] that serves the goroutine profile
// like net/http/pprof's /debug/pprof/goroutine, for `leakscope watch` to
// poll:
//
//	w := watchdog.New(watchdog.Config{Handler: func(a watchdog.Alert) {
//		log.Printf("leak suspect %s (%v): %d -> %d goroutines, created by %s\n%s",
//			watchdog.FormatID(a.Bucket.ID), a.Reason, a.From, a.Count, a.CreatedBy, a.Bucket.Stack)
//	}})
//	go w.Run(ctx)
//	mux.Handle("/debug/pprof/goroutine", w)
package watchdog
