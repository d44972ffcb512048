// Command astdiff is the differential test of leakscope's Go parser
// against go/parser.
//
// Usage:
//
//	astdiff -leakscope /path/to/leakscope [-max-diffs 20] [-v] [-list-failed FILE] ROOT...
//
// It collects every regular file whose name ends in ".go" under the roots
// (testdata and vendor included, symbolic links not followed), runs
//
//	leakscope parse --dump-ast --files-from LIST
//
// once over all of them, and compares the canonical AST dump leakscope
// prints (docs/ast-dump.md) with the one go/parser's tree gives, file by
// file. leakscope's output is read as a stream and is never held in memory
// as a whole; the Go dumps are computed by a pool of goroutines ahead of
// the comparison.
//
// A file passes when both dumps are identical or when both parsers reject
// it. The first -max-diffs failures are shown in detail, then a count of
// failures by kind, and the last line of output is
//
//	astdiff: N passed, N failed
//
// The exit status is 0 when no file failed, 1 when some did, and 2 on
// usage errors or when the test cannot run (a root cannot be walked,
// leakscope cannot be started).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"

	"github.com/leakscope/leakscope/go/internal/gofiles"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = "usage: astdiff -leakscope BIN [-max-diffs N] [-v] [-list-failed FILE] ROOT..."

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("astdiff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	leakscope := fs.String("leakscope", "", "the leakscope `binary` to test (required)")
	maxDiffs := fs.Int("max-diffs", 20, "show at most `N` failures in detail (negative: all)")
	verbose := fs.Bool("v", false, "print one line for every file")
	listFailed := fs.String("list-failed", "", "write the paths of the failing files, one per line, to `FILE`")
	workers := fs.Int("j", runtime.GOMAXPROCS(0), "number of goroutines computing Go dumps")
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *leakscope == "" || fs.NArg() == 0 || *workers < 1 {
		fs.Usage()
		return 2
	}

	paths, err := gofiles.Collect(fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "astdiff: %v\n", err)
		return 2
	}
	rep := &reporter{w: stdout, maxDiffs: *maxDiffs, verbose: *verbose}
	if len(paths) > 0 {
		if err := runLeakscope(*leakscope, paths, Options{
			Workers: *workers,
			Ahead:   4 * *workers,
			Context: 3,
		}, rep); err != nil {
			fmt.Fprintf(stderr, "astdiff: %v\n", err)
			return 2
		}
	}
	rep.summary()
	if *listFailed != "" {
		if err := writeList(*listFailed, rep.failedPaths); err != nil {
			fmt.Fprintf(stderr, "astdiff: %v\n", err)
			return 2
		}
	}
	if rep.failed > 0 {
		return 1
	}
	return 0
}

// runLeakscope runs leakscope over paths and compares its output with the
// Go dumps, reporting every file to rep. The error is for failures to set
// up or start the run; what goes wrong after that is reported per file.
func runLeakscope(bin string, paths []string, opts Options, rep *reporter) error {
	list, err := os.CreateTemp("", "astdiff-files-*.txt")
	if err != nil {
		return fmt.Errorf("creating file list: %w", err)
	}
	defer os.Remove(list.Name())
	if err := gofiles.WriteList(list, paths); err != nil {
		list.Close()
		return fmt.Errorf("writing %s: %w", list.Name(), err)
	}
	if err := list.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", list.Name(), err)
	}

	cmd := exec.Command(bin, "parse", "--dump-ast", "--files-from", list.Name())
	stderrTail := &tailWriter{max: 4096}
	cmd.Stderr = stderrTail
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("running %s: %w", bin, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting leakscope: %w", err)
	}

	unread := Compare(out, paths, opts, rep.add)
	killed := false
	if unread {
		// The rest of the output is of no use; do not wait for it.
		killed = cmd.Process.Kill() == nil
	}
	waitErr := cmd.Wait()
	if waitErr != nil && !(killed && killedBySIGKILL(cmd.ProcessState)) {
		rep.processFailed(fmt.Sprintf("%s %s", bin, strings.Join(cmd.Args[1:], " ")), waitErr, stderrTail.String())
	}
	rep.flush()
	return nil
}

// killedBySIGKILL reports whether the process ended by SIGKILL, as it
// does when astdiff kills it.
func killedBySIGKILL(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// reporter prints the results as they come and counts them. It holds the
// latest result back until the next one arrives, so that a failure of the
// leakscope process can still be charged to the last file it printed.
type reporter struct {
	w        io.Writer
	maxDiffs int
	verbose  bool

	pending     *Result
	passed      int
	failed      int
	byKind      [numKinds]int
	shown       int // failures shown in detail
	unshown     int // failures with details not shown
	failedPaths []string
}

func (r *reporter) add(res Result) {
	r.flush()
	r.pending = &res
}

// processFailed records that leakscope exited with err. Files it never
// printed are already reported as missing; when it printed all of them,
// the last one is failed, since its output cannot be trusted.
func (r *reporter) processFailed(cmdline string, err error, stderr string) {
	msg := fmt.Sprintf("leakscope exited abnormally: %v", err)
	fmt.Fprintf(r.w, "astdiff: %s\n  command: %s\n", msg, cmdline)
	if stderr != "" {
		fmt.Fprintf(r.w, "  end of its standard error:\n")
		for l := range strings.SplitSeq(strings.TrimRight(stderr, "\n"), "\n") {
			fmt.Fprintf(r.w, "    %s\n", display([]byte(l)))
		}
	}
	if p := r.pending; p != nil {
		switch p.Kind {
		case Pass:
			p.Kind = ProcessFailed
			p.Detail = fmt.Sprintf("  %s after printing this file\n", msg)
		case Missing:
			// Already explained by the output ending early.
		default:
			p.Detail += fmt.Sprintf("  %s after printing this file\n", msg)
		}
	}
}

// flush prints and counts the pending result.
func (r *reporter) flush() {
	res := r.pending
	if res == nil {
		return
	}
	r.pending = nil
	if res.Kind == Pass {
		r.passed++
		if r.verbose {
			fmt.Fprintf(r.w, "PASS %s\n", res.Path)
		}
		return
	}
	r.failed++
	r.byKind[res.Kind]++
	r.failedPaths = append(r.failedPaths, res.Path)
	switch {
	case res.Detail != "" && (r.maxDiffs < 0 || r.shown < r.maxDiffs):
		r.shown++
		fmt.Fprintf(r.w, "FAIL %s: %s\n%s", res.Path, res.Kind, res.Detail)
	case r.verbose:
		fmt.Fprintf(r.w, "FAIL %s: %s\n", res.Path, res.Kind)
	default:
		if res.Detail != "" {
			r.unshown++
		}
	}
}

// summary prints the counts. Its last line is "astdiff: N passed, N failed".
func (r *reporter) summary() {
	r.flush()
	if r.unshown > 0 {
		fmt.Fprintf(r.w, "astdiff: details of %d more failures not shown (-max-diffs %d)\n", r.unshown, r.maxDiffs)
	}
	if r.failed > 0 {
		fmt.Fprintf(r.w, "astdiff: failures by kind:\n")
		for k := Kind(0); k < numKinds; k++ {
			if n := r.byKind[k]; n > 0 {
				fmt.Fprintf(r.w, "  %6d  %s\n", n, k)
			}
		}
	}
	fmt.Fprintf(r.w, "astdiff: %d passed, %d failed\n", r.passed, r.failed)
}

func writeList(name string, paths []string) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("writing failed list: %w", err)
	}
	if err := gofiles.WriteList(f, paths); err != nil {
		f.Close()
		return fmt.Errorf("writing failed list %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing failed list %s: %w", name, err)
	}
	return nil
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	max int
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailWriter) String() string { return string(t.buf) }
