package lineage

import "sync/atomic"

// Requests that Middleware did not sample. Marking such a request's
// context would need a copy of the request (r.WithContext, 250 bytes) on
// every unsampled request, which is most of them; instead Middleware
// marks the goroutine that serves it, for as long as it does: its
// runtime g goes into a slot of a small table, and a root made from an
// untracked context checks whether its own goroutine's g is there. If so
// it follows the request's decision (not sampled, no draw) instead of
// drawing again, so the request is still sampled once as a whole. Only
// goroutines other than the serving one, deriving directly from
// r.Context(), decide for themselves.
//
// A g is unique among live goroutines, and a goroutine clears its slot
// before it leaves Middleware, so a slot holding the current g means
// "inside an unsampled Middleware hop". Two goroutines whose g's fall on
// one slot overwrite each other: the one that lost its mark draws for its
// roots, as a goroutine without Middleware would. Without getg (other
// than amd64 and arm64) Middleware marks the request's context instead.

const servingBits = 12

var serving [1 << servingBits]atomic.Uintptr

func servingSlot(g uintptr) *atomic.Uintptr {
	return &serving[uint64(g)*0x9e3779b97f4a7c15>>(64-servingBits)] // Fibonacci hashing
}

// markServing marks the calling goroutine as serving an unsampled
// request (haveGetg only); unmarkServing takes the mark off. timed (the
// request's draw was one of the timed ones) rides in the low bit of the
// mark, free since a g is word-aligned: the roots that follow such a
// request are timed too, so the controller sees them (scaled up, like the
// hop itself).
func markServing(timed bool) (mark uintptr, slot *atomic.Uintptr) {
	g := uintptr(getg())
	mark = g
	if timed {
		mark |= 1
	}
	slot = servingSlot(g)
	slot.Store(mark)
	return mark, slot
}

// unmarkServing clears the mark unless another goroutine's took the slot.
func unmarkServing(mark uintptr, slot *atomic.Uintptr) { slot.CompareAndSwap(mark, 0) }

// servingUnsampled reports whether the calling goroutine is serving a
// request that Middleware did not sample, and whether that request is a
// timed one.
func servingUnsampled() (marked, timed bool) {
	if !haveGetg {
		return false, false
	}
	g := uintptr(getg())
	m := servingSlot(g).Load()
	return m&^1 == g, m&1 != 0
}
