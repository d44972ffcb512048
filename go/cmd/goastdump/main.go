// Command goastdump prints the canonical AST dump (docs/ast-dump.md) of
// each Go file named on the command line, as parsed by go/parser with
// parser.ParseComments|parser.SkipObjectResolution.
//
// Usage:
//
//	goastdump [-files-from FILE|-] FILE...
//
// For each file, in order, it prints a "=== path" header followed by the
// dump of the file or by exactly one "ERROR line:col: message" line. Files
// listed (one path per line) in the -files-from file ("-" for standard
// input) come first, then the files named as arguments.
//
// Files with syntax errors, and files that cannot be read, are part of the
// stream: goastdump still exits 0 for them. It exits 1 when the list file
// cannot be read or the output cannot be written, and 2 on usage errors.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/leakscope/leakscope/go/internal/astdump"
	"github.com/leakscope/leakscope/go/internal/gofiles"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("goastdump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	filesFrom := fs.String("files-from", "", "read the paths to dump, one per line, from `FILE` (- for standard input)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: goastdump [-files-from FILE|-] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var paths []string
	if *filesFrom != "" {
		list, err := gofiles.ReadList(*filesFrom, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "goastdump: %v\n", err)
			return 1
		}
		paths = list
	} else if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	paths = append(paths, fs.Args()...)

	w := bufio.NewWriterSize(stdout, 256<<10)
	for _, p := range paths {
		if err := astdump.DumpFile(w, p); err != nil {
			fmt.Fprintf(stderr, "goastdump: %v\n", err)
			return 1
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "goastdump: writing output: %v\n", err)
		return 1
	}
	return 0
}
