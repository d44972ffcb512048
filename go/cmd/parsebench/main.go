// Command parsebench measures the throughput of go/parser, as the
// baseline for leakscope's parser.
//
// Usage:
//
//	parsebench [-mode comments|nocomments] [-runs 3] ROOT...
//
// It collects every regular ".go" file under the roots (the same walk as
// astdiff), reads them all into memory, and then parses each of them in
// turn on one goroutine with parser.SkipObjectResolution, plus
// parser.ParseComments in the default "comments" mode. The whole pass is
// repeated -runs times and the fastest pass is reported, on one line:
//
//	go/parser files=N bytes=B errors=E seconds=S MBps=X
//
// where errors counts the files go/parser rejects (parsing goes on) and
// MB is 10^6 bytes. Reading the files is not timed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"time"

	"github.com/leakscope/leakscope/go/internal/gofiles"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type source struct {
	path string
	src  []byte
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parsebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "comments", "`comments` (parser.ParseComments|parser.SkipObjectResolution) or nocomments (parser.SkipObjectResolution)")
	runs := fs.Int("runs", 3, "number of passes over all files; the best is reported")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: parsebench [-mode comments|nocomments] [-runs N] ROOT...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var pmode parser.Mode
	switch *mode {
	case "comments":
		pmode = parser.ParseComments | parser.SkipObjectResolution
	case "nocomments":
		pmode = parser.SkipObjectResolution
	default:
		fmt.Fprintf(stderr, "parsebench: unknown -mode %q\n", *mode)
		fs.Usage()
		return 2
	}
	if fs.NArg() == 0 || *runs < 1 {
		fs.Usage()
		return 2
	}

	paths, err := gofiles.Collect(fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "parsebench: %v\n", err)
		return 1
	}
	files := make([]source, 0, len(paths))
	var total int64
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintf(stderr, "parsebench: %v\n", err)
			return 1
		}
		files = append(files, source{p, src})
		total += int64(len(src))
	}

	best := time.Duration(-1)
	errCount := 0
	for range *runs {
		d, n := parseAll(files, pmode)
		if best < 0 || d < best {
			best = d
		}
		errCount = n
	}
	secs := best.Seconds()
	mbps := 0.0
	if secs > 0 {
		mbps = float64(total) / 1e6 / secs
	}
	fmt.Fprintf(stdout, "go/parser files=%d bytes=%d errors=%d seconds=%.6f MBps=%.2f\n",
		len(files), total, errCount, secs, mbps)
	return 0
}

// parseAll parses every file in turn on the calling goroutine and returns
// the time it took and the number of files with syntax errors.
func parseAll(files []source, mode parser.Mode) (time.Duration, int) {
	fset := token.NewFileSet()
	errCount := 0
	start := time.Now()
	for _, f := range files {
		if _, err := parser.ParseFile(fset, f.path, f.src, mode); err != nil {
			errCount++
		}
	}
	return time.Since(start), errCount
}
