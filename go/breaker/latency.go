package breaker

import "time"

// latencyEstimate tracks the expected duration of a successful call: the
// 90th percentile of the last len(samples) successful calls that finished
// within the window.
//
// A percentile rather than a moving average: one call delayed by a GC pause
// or a descheduled goroutine must not raise the estimate, because a raised
// estimate rejects the short-deadline callers whose calls would have brought
// it down again. For the same reason samples expire: when no call has
// succeeded for a whole window the estimate falls back to
// Config.InitialExpected, so a dependency that was slow for a while gets
// the benefit of the doubt again after one window.
type latencyEstimate struct {
	samples [32]latencySample
	next, n int
	newest  int64 // when the newest sample was taken, ns since the epoch
	cached  time.Duration
	initial time.Duration
	maxAge  int64
	scratch [32]int64
}

type latencySample struct{ d, at int64 }

const latencyQuantile = 0.9

func (e *latencyEstimate) add(d time.Duration, at int64) {
	e.samples[e.next] = latencySample{int64(d), at}
	e.next = (e.next + 1) % len(e.samples)
	e.n = min(e.n+1, len(e.samples))
	e.newest = at
	// The quantile of at most 32 values is among the largest few: keep
	// the k largest in descending order in one pass, instead of sorting.
	m := 0
	for _, s := range e.samples[:e.n] {
		if at-s.at <= e.maxAge {
			m++
		}
	}
	k := m - int(latencyQuantile*float64(m-1)+0.5) // rank from the top, 1-based
	top := e.scratch[:0]
	for _, s := range e.samples[:e.n] {
		if at-s.at > e.maxAge {
			continue
		}
		if len(top) < k {
			top = append(top, s.d)
		} else if s.d > top[k-1] {
			top[k-1] = s.d
		} else {
			continue
		}
		for i := len(top) - 1; i > 0 && top[i] > top[i-1]; i-- {
			top[i], top[i-1] = top[i-1], top[i]
		}
	}
	e.cached = time.Duration(top[k-1])
}

// expected is Config.InitialExpected before the first success and when the
// newest success is older than the window.
func (e *latencyEstimate) expected(now int64) time.Duration {
	if e.n == 0 || now-e.newest > e.maxAge {
		return e.initial
	}
	return e.cached
}
