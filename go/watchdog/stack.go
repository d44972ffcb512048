package watchdog

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// Frame is one frame of a goroutine's stack.
type Frame struct {
	Func string // "main.(*Server).serve", without arguments
	File string // as the runtime prints it; "" when unknown
	Line int    // 0 when unknown
}

func (f Frame) String() string {
	if f.File == "" {
		return f.Func + " ?:0"
	}
	return f.Func + " " + f.File + ":" + strconv.Itoa(f.Line)
}

// isRuntimeFunc reports whether name is a function of the runtime itself
// (not of runtime/pprof or runtime/trace).
func isRuntimeFunc(name string) bool {
	return strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "internal/runtime/")
}

// appendNormalized appends the normalized stack of docs/dump-buckets.md
// (grouping "line", or "func" when funcOnly) for frames, innermost first:
// one "FUNC FILE:LINE\n" (or "FUNC\n") per frame. The runtime's own frames
// are left out, because each dump format shows a different subset of them;
// a stack of nothing else keeps them all but runtime.goexit.
func appendNormalized(dst []byte, frames []Frame, funcOnly bool) []byte {
	user := 0
	for _, f := range frames {
		if !isRuntimeFunc(f.Func) {
			user++
		}
	}
	for _, f := range frames {
		if user > 0 && isRuntimeFunc(f.Func) || user == 0 && f.Func == "runtime.goexit" {
			continue
		}
		dst = append(dst, f.Func...)
		if !funcOnly {
			dst = append(dst, ' ')
			if f.File == "" {
				dst = append(dst, "?:0"...)
			} else {
				dst = append(dst, f.File...)
				dst = append(dst, ':')
				dst = strconv.AppendInt(dst, int64(f.Line), 10)
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}

// FormatID writes a bucket ID as docs/dump-buckets.md does: 16 lowercase
// hex digits.
func FormatID(id uint64) string { return fmt.Sprintf("%016x", id) }

// StackID returns the bucket ID of a stack: XXH64 (seed 0) of its
// normalized form under the "line" grouping (funcOnly false) or the "func"
// grouping (funcOnly true).
func StackID(frames []Frame, funcOnly bool) uint64 {
	return xxh64(appendNormalized(nil, frames, funcOnly))
}

// profileStack is one record of a debug=1 goroutine profile.
type profileStack struct {
	count  int
	pcs    []uintptr
	frames []Frame
}

// parseDebug1 reads the "goroutine profile: total N" text format that
// runtime/pprof writes for debug=1 and calls fn for each record. The fields
// of a frame line are separated by runs of tabs (the profile goes through a
// tabwriter):
//
//	1 @ 0x47d92e 0x41491c 0x4d947e 0x483de1
//	# labels: {"k":"v"}
//	#	0x4d947d	main.lookup.func1+0x1d	/tmp/gp/main.go:9
//
// rec is reused between calls; fn must copy what it keeps.
func parseDebug1(data []byte, fn func(rec *profileStack)) error {
	var rec profileStack
	have := false
	flush := func() {
		if have {
			fn(&rec)
		}
		have = false
		rec.count, rec.pcs, rec.frames = 0, rec.pcs[:0], rec.frames[:0]
	}
	lineNo := 0
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		lineNo++
		switch {
		case len(line) == 0:
			flush()
		case bytes.HasPrefix(line, []byte("goroutine profile:")):
		case bytes.HasPrefix(line, []byte("# labels:")):
		case line[0] == '#':
			if !have {
				return fmt.Errorf("goroutine profile line %d: frame outside a record", lineNo)
			}
			f, ok := parseDebug1Frame(line)
			if !ok {
				return fmt.Errorf("goroutine profile line %d: malformed frame %q", lineNo, line)
			}
			rec.frames = append(rec.frames, f)
		default:
			flush()
			count, pcs, ok := bytes.Cut(line, []byte(" @ "))
			n, err := strconv.Atoi(string(bytes.TrimSpace(count)))
			if !ok || err != nil {
				return fmt.Errorf("goroutine profile line %d: want \"COUNT @ PC...\", got %q", lineNo, line)
			}
			rec.count = n
			for _, f := range bytes.Fields(pcs) {
				pc, err := strconv.ParseUint(string(f), 0, 64)
				if err != nil {
					return fmt.Errorf("goroutine profile line %d: bad PC %q", lineNo, f)
				}
				rec.pcs = append(rec.pcs, uintptr(pc))
			}
			have = true
		}
	}
	flush()
	return nil
}

// parseDebug1Frame parses "#\t0xPC\tFUNC+0xOFF\tFILE:LINE" (tabs in runs).
// A PC without symbol information has no function or file fields.
func parseDebug1Frame(line []byte) (Frame, bool) {
	fields := strings.FieldsFunc(string(line[1:]), func(r rune) bool { return r == '\t' })
	switch len(fields) {
	case 1:
		return Frame{Func: "?"}, true
	case 3:
	default:
		return Frame{}, false
	}
	fn := fields[1]
	if i := strings.LastIndex(fn, "+0x"); i > 0 {
		fn = fn[:i]
	}
	file, lineStr, ok := cutLast(fields[2], ':')
	if !ok {
		return Frame{}, false
	}
	n, err := strconv.Atoi(lineStr)
	if err != nil {
		return Frame{}, false
	}
	return Frame{Func: fn, File: file, Line: n}, true
}

func cutLast(s string, sep byte) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// blockingFuncs are the runtime functions under which a parked goroutine
// is blocked on a channel, a select or a sync primitive: the waits that
// leak. Sleeping, network and syscall waits and runtime workers are not
// blocked in this sense.
var blockingFuncs = map[string]bool{
	"runtime.chanrecv":            true,
	"runtime.chansend":            true,
	"runtime.selectgo":            true,
	"runtime.block":               true, // select {} and nil channels
	"runtime.semacquire1":         true, // sync.Mutex, RWMutex, WaitGroup
	"sync.runtime_notifyListWait": true, // sync.Cond
	"runtime.notifyListWait":      true,
}

// isBlocked reports whether a goroutine with the profile stack pcs is parked
// in a blocking operation. The profile's text hides the runtime frames at
// the top of the stack, so they are symbolized again here from the PCs,
// which belong to this very process.
func isBlocked(pcs []uintptr) bool {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		name := f.Function
		if blockingFuncs[name] {
			return true
		}
		runtimeFrame := strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "internal/runtime/") ||
			strings.HasPrefix(name, "sync.runtime_")
		if !more || !runtimeFrame {
			return false
		}
	}
}

// traceback is one goroutine of a debug=2 dump (runtime.Stack with all).
type traceback struct {
	frames    []Frame
	createdBy Frame
	hasCreate bool
}

// parseDebug2 reads the traceback text runtime.Stack(buf, true) writes:
//
//	goroutine 7 [chan send]:
//	main.lookup.func1()
//		/tmp/gp/main.go:9 +0x1e
//	created by main.lookup in goroutine 1
//		/tmp/gp/main.go:9 +0x4f
//
// and calls fn for each goroutine. Only frames and the creation site are
// kept; the rest (state, arguments, offsets, elision markers) does not take
// part in the bucket ID.
func parseDebug2(data []byte, fn func(tb *traceback)) {
	var tb traceback
	var pending string // a function line waiting for its file line
	var pendingCreate bool
	inStanza := false
	flush := func() {
		if inStanza {
			fn(&tb)
		}
		inStanza = false
		tb.frames, tb.hasCreate, tb.createdBy = tb.frames[:0], false, Frame{}
		pending, pendingCreate = "", false
	}
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		s := string(line)
		switch {
		case strings.HasPrefix(s, "goroutine ") && strings.HasSuffix(s, ":"):
			flush()
			inStanza = true
		case !inStanza || s == "":
			if s == "" {
				flush()
			}
		case s[0] == '\t':
			if pending == "" {
				continue
			}
			loc := strings.TrimPrefix(s, "\t")
			if i := strings.LastIndex(loc, " +0x"); i >= 0 {
				loc = loc[:i]
			}
			file, lineStr, _ := cutLast(loc, ':')
			n, _ := strconv.Atoi(lineStr)
			f := Frame{Func: pending, File: file, Line: n}
			if pendingCreate {
				tb.createdBy, tb.hasCreate = f, true
			} else {
				tb.frames = append(tb.frames, f)
			}
			pending = ""
		case strings.HasPrefix(s, "created by "):
			name := strings.TrimPrefix(s, "created by ")
			if i := strings.Index(name, " in goroutine "); i >= 0 {
				name = name[:i]
			}
			pending, pendingCreate = name, true
		case strings.HasPrefix(s, "..."):
			// "...additional frames elided..."
		default:
			pending, pendingCreate = stripArgs(s), false
		}
	}
	flush()
}

// stripArgs removes the argument list from a traceback's function line:
// "main.(*T).run(0xc000010000, 0x1)" -> "main.(*T).run",
// "main.f[...](...)" -> "main.f[...]".
func stripArgs(s string) string {
	if !strings.HasSuffix(s, ")") {
		return s
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return s[:i]
			}
		}
	}
	return s
}
