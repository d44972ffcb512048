package watchdog

import (
	"io"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time: on a shared machine the
// wall time per op says more about the neighbours than about the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports the CPU time per op next to ns/op.
func loop(b *testing.B, f func()) {
	start := cpuTime()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(n), "cpu-ns/op")
}

func parkA(c chan struct{}) { <-c }
func parkB(c chan struct{}) { <-c }
func parkC(c chan struct{}) {
	select {
	case <-c:
	}
}
func parkD(mu *sync.Mutex) { mu.Lock(); mu.Unlock() }

// park100k starts 100,000 goroutines in four buckets (three channel waits,
// one mutex wait) and returns a function that releases them.
func park100k(b *testing.B) func() {
	c := make(chan struct{})
	var mu sync.Mutex
	mu.Lock()
	var wg sync.WaitGroup
	for i := 0; i < 100_000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 4 {
			case 0:
				parkA(c)
			case 1:
				parkB(c)
			case 2:
				parkC(c)
			default:
				parkD(&mu)
			}
		}()
	}
	for runtime.NumGoroutine() < 100_000 {
		runtime.Gosched()
	}
	return func() { close(c); mu.Unlock(); wg.Wait() }
}

// BenchmarkSample100k is the watchdog's cost per sample with 100,000
// goroutines; the others are the alternative sources, for comparison
// (docs/gokit.md).
func BenchmarkSample100k(b *testing.B) {
	release := park100k(b)
	defer release()
	// The blocked-share alert fires on the second sample; its one-off
	// traceback for the creation site costs what runtime_Stack_all costs,
	// and is left out here.
	w := New(Config{NoCreationSite: true})
	w.Sample() // the first sample symbolizes the four stacks; later ones do not
	b.Run("watchdog", func(b *testing.B) {
		loop(b, func() {
			if _, err := w.Sample(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("watchdog_debug1_fallback", func(b *testing.B) {
		loop(b, func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if _, err := w.fromProfile(time.Now()); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("pprof_debug1_only", func(b *testing.B) {
		loop(b, func() { pprof.Lookup("goroutine").WriteTo(io.Discard, 1) })
	})
	b.Run("pprof_debug0_protobuf", func(b *testing.B) {
		loop(b, func() { pprof.Lookup("goroutine").WriteTo(io.Discard, 0) })
	})
	b.Run("GoroutineProfile", func(b *testing.B) {
		recs := make([]runtime.StackRecord, 110_000)
		loop(b, func() {
			if _, ok := runtime.GoroutineProfile(recs); !ok {
				b.Fatal("buffer too small")
			}
		})
	})
	b.Run("runtime_Stack_all", func(b *testing.B) {
		buf := make([]byte, 64<<20)
		loop(b, func() {
			if n := runtime.Stack(buf, true); n == len(buf) {
				b.Fatal("buffer too small")
			}
		})
	})
}
