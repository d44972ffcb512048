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

// gWord is a word of the current goroutine's g found by its value: the
// offset whose word equals want() (what runtime.Stack reports) in every
// goroutine that trial starts; -1 (use want) when none or more than one.
type gWord struct {
	once      sync.Once
	off       int
	scanWords int              // how far into g to look
	want      func() uint64    // the value, the slow way; 0: unknown
	trial     func(run func()) // starts run in a fresh goroutine (as the field requires)
}

func (w *gWord) read() uint64 {
	w.once.Do(w.find)
	if w.off >= 0 {
		return *(*uint64)(unsafe.Add(getg(), w.off))
	}
	return w.want()
}

// candidates returns the offsets in the current g holding want().
func (w *gWord) candidates() []int {
	g := getg()
	id := w.want()
	if g == nil || id == 0 {
		return nil
	}
	var out []int
	for i := 0; i < w.scanWords; i++ {
		if *(*uint64)(unsafe.Add(g, i*8)) == id {
			out = append(out, i*8)
		}
	}
	return out
}

func (w *gWord) find() {
	w.off = -1
	if !haveGetg {
		return
	}
	const trials = 3
	counts := map[int]int{}
	for i := 0; i < trials; i++ {
		ch := make(chan []int)
		w.trial(func() { ch <- w.candidates() })
		for _, off := range <-ch {
			counts[off]++
		}
	}
	for off, n := range counts {
		if n == trials {
			if w.off >= 0 {
				w.off = -1 // ambiguous
				return
			}
			w.off = off
		}
	}
}

// goidWord: the ID sits well inside the first 256 bytes of runtime.g in
// every Go release so far, and g is larger.
var goidWord = gWord{
	scanWords: 32,
	want:      stackGoid,
	trial:     func(run func()) { go run() },
}

func goid() uint64 { return goidWord.read() }

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

// creatorWord: parentGoid sits at byte 280 of runtime.g in Go 1.26 (less
// in earlier releases), and g is over 400 bytes, so the scan stays inside
// the g (the race detector's checkptr would stop a read past it). A
// release that moves it further falls back to the stack. Each trial's
// goroutine is started by a fresh goroutine, so the three creators' IDs
// differ and a coincidence cannot survive all three.
var creatorWord = gWord{
	scanWords: 48,
	want:      stackCreatorGoid,
	trial:     func(run func()) { go func() { go run() }() },
}

// creatorGoid returns the ID of the goroutine that started the current
// one; 0 for the main goroutine and when unknown.
func creatorGoid() uint64 { return creatorWord.read() }

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
