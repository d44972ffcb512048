package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/leakscope/leakscope/go/internal/astdump"
)

// Kind classifies the outcome for one file.
type Kind int

// The outcomes, in the order the summary lists them.
const (
	Pass Kind = iota
	LeakscopeRejects
	LeakscopeAccepts
	DumpDiffers
	Missing
	ExtraOutput
	ProcessFailed
	GoDumpFailed
	numKinds
)

var kindNames = [numKinds]string{
	Pass:             "pass",
	LeakscopeRejects: "go/parser accepts, leakscope rejects",
	LeakscopeAccepts: "go/parser rejects, leakscope accepts",
	DumpDiffers:      "dump differs",
	Missing:          "missing from leakscope output",
	ExtraOutput:      "unexpected output after the last file",
	ProcessFailed:    "leakscope exited abnormally",
	GoDumpFailed:     "go dump failed",
}

func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Result is the outcome for one file.
type Result struct {
	Path string
	Kind Kind
	// Detail describes a failure, over one or more lines, each ending in a
	// newline. It is empty for passes.
	Detail string
}

// DumpFunc writes the Go side's block (header and dump or ERROR line) for
// the file at path to w.
type DumpFunc func(w io.Writer, path string) error

// Options configures Compare.
type Options struct {
	// Workers is the number of goroutines computing Go dumps; at least 1.
	Workers int
	// Ahead is how many Go dumps may be computed ahead of the comparison;
	// at least 1.
	Ahead int
	// Dump produces the Go side's block; astdump.DumpFile if nil.
	Dump DumpFunc
	// Context is the number of lines shown before and after the first
	// difference of a dump.
	Context int
}

// maxLine caps the length of a line of leakscope output kept in memory;
// longer lines are truncated (and then differ from any Go dump line). It
// is a variable for the tests.
var maxLine = 64 << 20

// Compare reads the stream that leakscope printed for paths from r and
// compares it, file by file, with the blocks dump produces, calling report
// once for each path, in order. The Go dumps are computed by a pool of
// workers ahead of the comparison.
//
// When the stream ends early or does not have the expected header, that
// file and all the following ones are reported as Missing. When Compare
// stops reading r before its end (a wrong header, output after the block
// of the last file, a read error), it returns unread == true: the caller
// should then stop the process that writes r rather than wait for it.
func Compare(r io.Reader, paths []string, opts Options, report func(Result)) (unread bool) {
	if opts.Workers < 1 {
		opts.Workers = 1
	}
	if opts.Ahead < 1 {
		opts.Ahead = 1
	}
	if opts.Dump == nil {
		opts.Dump = astdump.DumpFile
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dumps := startDumps(ctx, paths, opts)

	lr := newLineReader(r)
	for i, path := range paths {
		d := <-<-dumps
		res, ok := compareOne(lr, path, d, opts.Context)
		putBuffer(d.buf)
		if !ok {
			if rest := len(paths) - i - 1; rest > 0 {
				res.Detail += fmt.Sprintf("  the %d files after it are not checked and count as missing\n", rest)
			}
			report(res)
			for _, p := range paths[i+1:] {
				report(Result{Path: p, Kind: Missing})
			}
			return !lr.eof || lr.err != nil
		}
		if i == len(paths)-1 {
			if line, ok := lr.next(); ok {
				if res.Kind == Pass {
					res.Kind = ExtraOutput
				}
				res.Detail += fmt.Sprintf("  leakscope printed more after this, the last file, at output line %d:\n    %s\n", lr.lineNo, display(line.text))
				report(res)
				return true
			}
		}
		report(res)
	}
	return false
}

// dumped is one Go dump computed by a worker.
type dumped struct {
	buf *bytes.Buffer
	err error
}

// startDumps computes the Go dumps of paths with opts.Workers goroutines
// and returns a channel that yields, in the order of paths, one channel per
// file on which its dump arrives. At most opts.Ahead dumps are waiting to
// be compared at any time. Cancelling ctx stops the work.
func startDumps(ctx context.Context, paths []string, opts Options) <-chan chan dumped {
	type job struct {
		path string
		out  chan dumped
	}
	futures := make(chan chan dumped, opts.Ahead)
	jobs := make(chan job)
	go func() {
		defer close(jobs)
		for _, p := range paths {
			out := make(chan dumped, 1)
			select {
			case futures <- out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{p, out}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range opts.Workers {
		go func() {
			for j := range jobs {
				buf := getBuffer()
				err := opts.Dump(buf, j.path)
				j.out <- dumped{buf, err}
			}
		}()
	}
	return futures
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 {
		bufPool.Put(b)
	}
}

// line is one line of leakscope output.
type line struct {
	text []byte // without the newline; valid until the next read
	// noNewline is set for a last line that does not end in a newline.
	noNewline bool
	// truncated is set when the line was longer than maxLine.
	truncated bool
}

// lineReader reads leakscope's output one line at a time, without
// holding more than one line in memory, and can push one line back.
type lineReader struct {
	r      *bufio.Reader
	long   []byte
	cur    line
	back   bool
	lineNo int64 // number of the line last returned, from 1
	err    error // first read error other than io.EOF
	eof    bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 1<<20)}
}

// next returns the next line, or ok == false at the end of the stream or
// on a read error (recorded in lr.err).
func (lr *lineReader) next() (l line, ok bool) {
	if lr.back {
		lr.back = false
		lr.lineNo++
		return lr.cur, true
	}
	if lr.eof {
		return line{}, false
	}
	s, err := lr.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.long = append(lr.long[:0], s...)
		truncated := false
		for errors.Is(err, bufio.ErrBufferFull) {
			s, err = lr.r.ReadSlice('\n')
			if len(lr.long)+len(s) > maxLine {
				truncated = true
				s = s[:max(0, min(len(s), maxLine-len(lr.long)))]
			}
			lr.long = append(lr.long, s...)
		}
		s = lr.long
		l.truncated = truncated
	}
	if err != nil {
		lr.eof = true
		if !errors.Is(err, io.EOF) {
			lr.err = err
		}
		if len(s) == 0 {
			return line{}, false
		}
		l.noNewline = true
	} else if s[len(s)-1] == '\n' { // not there if the line was truncated
		s = s[:len(s)-1]
	}
	l.text = s
	lr.cur = l
	lr.lineNo++
	return l, true
}

// unread pushes back the line last returned by next.
func (lr *lineReader) unread() {
	lr.back = true
	lr.lineNo--
}

func isHeader(b []byte) bool { return bytes.HasPrefix(b, []byte("=== ")) }
func isError(b []byte) bool  { return bytes.HasPrefix(b, []byte("ERROR ")) }

// blockLine returns the next line of the current block: ok == false at
// the end of the stream or at the next header (which is pushed back).
func (lr *lineReader) blockLine() (line, bool) {
	l, ok := lr.next()
	if ok && isHeader(l.text) {
		lr.unread()
		return line{}, false
	}
	return l, ok
}

// skipBlock discards the rest of the current block.
func (lr *lineReader) skipBlock() {
	for {
		if _, ok := lr.blockLine(); !ok {
			return
		}
	}
}

// goLines splits a Go dump block after its header line into lines
// without their newlines.
func goLines(block []byte) (header string, lines [][]byte) {
	h, rest, _ := bytes.Cut(block, []byte("\n"))
	if len(rest) > 0 && rest[len(rest)-1] == '\n' {
		rest = rest[:len(rest)-1]
	}
	if len(rest) > 0 {
		lines = bytes.Split(rest, []byte("\n"))
	}
	return string(h), lines
}

// compareOne compares the next block of lr with the Go dump d of path.
// ok is false when the stream has no block for path, in which case the
// result is Missing and the caller must stop.
func compareOne(lr *lineReader, path string, d dumped, context int) (res Result, ok bool) {
	res.Path = path
	want := astdump.Header(path)
	h, hok := lr.next()
	switch {
	case !hok && lr.err != nil:
		res.Kind = Missing
		res.Detail = fmt.Sprintf("  reading leakscope output: %v\n", lr.err)
		return res, false
	case !hok:
		res.Kind = Missing
		res.Detail = fmt.Sprintf("  leakscope's output ended after %d lines, before %q\n", lr.lineNo, want)
		return res, false
	case string(h.text) != want:
		res.Kind = Missing
		res.Detail = fmt.Sprintf("  leakscope output line %d: expected %q\n    got %s\n", lr.lineNo, want, display(h.text))
		return res, false
	}
	headerLine := lr.lineNo
	if d.err != nil {
		lr.skipBlock()
		res.Kind = GoDumpFailed
		res.Detail = fmt.Sprintf("  %v\n", d.err)
		return res, true
	}
	_, gl := goLines(d.buf.Bytes())
	goErr := len(gl) > 0 && isError(gl[0])

	first, fok := lr.blockLine()
	lsErr := fok && isError(first.text)
	switch {
	case goErr && lsErr:
		if first.noNewline {
			res.Kind = DumpDiffers
			res.Detail = "  leakscope's ERROR line does not end in a newline\n"
		} else if extra, more := lr.blockLine(); more {
			res.Kind = DumpDiffers
			res.Detail = fmt.Sprintf("  leakscope printed more than one line after ERROR (output line %d):\n    %s\n", lr.lineNo, display(extra.text))
		}
		lr.skipBlock()
		return res, true
	case !goErr && lsErr:
		res.Kind = LeakscopeRejects
		res.Detail = fmt.Sprintf("  leakscope: %s\n", display(first.text))
		lr.skipBlock()
		return res, true
	case goErr && !lsErr:
		res.Kind = LeakscopeAccepts
		res.Detail = fmt.Sprintf("  go/parser: %s\n", display(gl[0]))
		lr.skipBlock()
		return res, true
	}

	// Both sides dumped a tree: compare line by line.
	if fok {
		lr.unread()
	}
	for i := 0; ; i++ {
		l, lok := lr.blockLine()
		switch {
		case !lok && i == len(gl):
			return res, true
		case lok && i < len(gl) && !l.truncated && !l.noNewline && bytes.Equal(l.text, gl[i]):
			continue
		}
		// First difference, at dump line i+1.
		res.Kind = DumpDiffers
		var after [][]byte
		var note string
		if lok {
			after = append(after, bytes.Clone(l.text))
			switch {
			case l.truncated:
				note = fmt.Sprintf("  (leakscope's line is longer than %d bytes and was truncated)\n", maxLine)
			case l.noNewline:
				note = "  (leakscope's output ends in this line, without a newline)\n"
			}
			for len(after) <= context {
				m, mok := lr.blockLine()
				if !mok {
					break
				}
				after = append(after, bytes.Clone(m.text))
			}
		}
		lr.skipBlock()
		res.Detail = diffDetail(gl, after, i, context, headerLine+int64(i)+1) + note
		return res, true
	}
}

// diffDetail shows the first difference, at index i of the Go dump lines
// gl, with context lines around it from both sides. ls holds leakscope's
// lines from index i on (the lines before i are the same as Go's).
func diffDetail(gl, ls [][]byte, i, context int, outLine int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  first difference at dump line %d (leakscope output line %d)\n", i+1, outLine)
	from := max(0, i-context)
	side := func(name string, lines [][]byte, offset int) {
		fmt.Fprintf(&b, "  %s:\n", name)
		for j := from; j < i; j++ {
			fmt.Fprintf(&b, "    %6d   %s\n", j+1, display(gl[j]))
		}
		n := 0
		for j := i; j-offset < len(lines) && j <= i+context; j++ {
			mark := " "
			if j == i {
				mark = ">"
			}
			fmt.Fprintf(&b, "  %s %6d   %s\n", mark, j+1, display(lines[j-offset]))
			n++
		}
		if n <= context {
			mark := " "
			if n == 0 {
				mark = ">"
			}
			fmt.Fprintf(&b, "  %s %6s   <end of dump>\n", mark, "")
		}
	}
	side("go", gl, 0)
	side("leakscope", ls, i)
	return b.String()
}

// maxDisplay is the number of bytes of a line shown in a report.
const maxDisplay = 240

// display renders a line for a report: control bytes escaped as in the
// dump, long lines shortened.
func display(b []byte) string {
	cut := false
	if len(b) > maxDisplay {
		b, cut = b[:maxDisplay], true
	}
	var s strings.Builder
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			fmt.Fprintf(&s, `\x%02x`, c)
		} else {
			s.WriteByte(c)
		}
	}
	if cut {
		s.WriteString(" [...]")
	}
	return s.String()
}
