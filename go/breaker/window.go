package breaker

// window counts calls and failures over the last len(buckets) × width
// nanoseconds, one bucket per width. It is not safe for concurrent use; the
// breaker's mutex guards it.
type window struct {
	width    int64 // nanoseconds per bucket
	buckets  []bucket
	last     int64 // index (time / width) of the newest bucket
	calls    int
	failures int
}

type bucket struct{ calls, failures int }

func newWindow(span int64, n int) window {
	return window{width: max(span/int64(n), 1), buckets: make([]bucket, n)}
}

// advance drops the buckets that fell out of the window by time now.
func (w *window) advance(now int64) {
	idx := now / w.width
	if idx <= w.last {
		return
	}
	n := int64(len(w.buckets))
	if idx-w.last >= n {
		w.reset()
	} else {
		for i := w.last + 1; i <= idx; i++ {
			b := &w.buckets[i%n]
			w.calls -= b.calls
			w.failures -= b.failures
			*b = bucket{}
		}
	}
	w.last = idx
}

func (w *window) add(failed bool) {
	b := &w.buckets[w.last%int64(len(w.buckets))]
	b.calls++
	w.calls++
	if failed {
		b.failures++
		w.failures++
	}
}

func (w *window) reset() {
	clear(w.buckets)
	w.calls, w.failures = 0, 0
}
