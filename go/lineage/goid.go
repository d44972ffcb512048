package lineage

import (
	"bytes"
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

// The creating goroutine's ID: runtime.g's parentGoid (Go 1.21+), the
// "in goroutine N" of the "created by" line in a traceback. Found like the
// goroutine's own ID: the word of g that equals the creator's ID as
// runtime.Stack reports it, in three goroutines each started by a fresh
// goroutine (so the three creators' IDs differ and a coincidence cannot
// survive all three). Doubt falls back to parsing runtime.Stack, which
// costs a whole traceback: only traced roots ask (deriving.finish).

var creatorOffset = struct {
	once sync.Once
	off  int // -1: use runtime.Stack
}{off: -1}

// gCreatorScanWords bounds that search: parentGoid sits at byte 280 of
// runtime.g in Go 1.26 (less in earlier releases), and g is over 400 bytes,
// so the scan stays inside the g (the race detector's checkptr would stop a
// read past it). A release that moves it further falls back to the stack.
const gCreatorScanWords = 48

// creatorGoid returns the ID of the goroutine that started the current
// one; 0 for the main goroutine and when unknown.
func creatorGoid() uint64 {
	creatorOffset.once.Do(findCreatorOffset)
	if creatorOffset.off >= 0 {
		return *(*uint64)(unsafe.Add(getg(), creatorOffset.off))
	}
	return stackCreatorGoid()
}

// creatorCandidates returns the offsets in the current g holding the ID
// of the goroutine that started it.
func creatorCandidates() []int {
	g := getg()
	if g == nil {
		return nil
	}
	id := stackCreatorGoid()
	if id == 0 {
		return nil
	}
	var out []int
	for i := 0; i < gCreatorScanWords; i++ {
		if *(*uint64)(unsafe.Add(g, i*8)) == id {
			out = append(out, i*8)
		}
	}
	return out
}

func findCreatorOffset() {
	if !haveGetg {
		return
	}
	const trials = 3
	counts := map[int]int{}
	for i := 0; i < trials; i++ {
		ch := make(chan []int)
		go func() { // the creator: a new goroutine, a new ID, each trial
			go func() { ch <- creatorCandidates() }()
		}()
		for _, off := range <-ch {
			counts[off]++
		}
	}
	found := -1
	for off, n := range counts {
		if n == trials {
			if found >= 0 {
				return // ambiguous
			}
			found = off
		}
	}
	creatorOffset.off = found
}

// stackCreatorGoid parses the "created by main.main in goroutine 1" line
// that ends the current goroutine's traceback (absent for the main
// goroutine: 0).
func stackCreatorGoid() uint64 {
	buf := make([]byte, 4096)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		if len(buf) >= 1<<20 { // the last line is cut off
			return 0
		}
		buf = make([]byte, 2*len(buf))
	}
	i := bytes.LastIndex(buf, []byte("\ncreated by "))
	if i < 0 {
		return 0
	}
	line := buf[i+1:]
	if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl]
	}
	const marker = " in goroutine "
	j := bytes.LastIndex(line, []byte(marker))
	if j < 0 {
		return 0
	}
	var id uint64
	for _, c := range line[j+len(marker):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
