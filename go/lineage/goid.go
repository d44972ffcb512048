package lineage

import (
	"runtime"
	"sync"
	"unsafe"
)

// Goroutine IDs. The portable way, parsing the first line of
// runtime.Stack, costs a traceback of the calling goroutine (4 µs on a
// shallow stack, 20 µs on a deep one), which would dominate a traced
// derivation. Where a tiny assembly function can return the runtime's g
// (amd64, arm64), the ID is read from it instead, at an offset found once
// at start: the word that equals the stack-parsed ID in three different
// goroutines. Any doubt (no such word, or two) falls back to runtime.Stack.

var goidOffset = struct {
	once sync.Once
	off  int // -1: use runtime.Stack
}{off: -1}

// gScanWords bounds the search: the ID sits well inside the first 256
// bytes of runtime.g in every Go release so far, and g is larger.
const gScanWords = 32

func goid() uint64 {
	goidOffset.once.Do(findGoidOffset)
	if goidOffset.off >= 0 {
		return *(*uint64)(unsafe.Add(getg(), goidOffset.off))
	}
	return stackGoid()
}

// candidates returns the offsets in the current g holding the current
// goroutine's ID.
func candidates() []int {
	g := getg()
	if g == nil {
		return nil
	}
	id := stackGoid()
	var out []int
	for i := 0; i < gScanWords; i++ {
		if *(*uint64)(unsafe.Add(g, i*8)) == id {
			out = append(out, i*8)
		}
	}
	return out
}

func findGoidOffset() {
	if !haveGetg {
		return
	}
	counts := map[int]int{}
	for i := 0; i < 3; i++ {
		ch := make(chan []int)
		go func() { ch <- candidates() }()
		for _, off := range <-ch {
			counts[off]++
		}
	}
	found := -1
	for off, n := range counts {
		if n == 3 {
			if found >= 0 {
				return // ambiguous
			}
			found = off
		}
	}
	goidOffset.off = found
}

// stackGoid parses "goroutine 37 [running]:".
func stackGoid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	const prefix = "goroutine "
	if n <= len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range buf[len(prefix):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
