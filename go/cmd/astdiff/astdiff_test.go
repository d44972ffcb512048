package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakscope/leakscope/go/internal/astdump"
	"github.com/leakscope/leakscope/go/internal/gofiles"
)

// When the test binary runs with fakeEnv set, it plays leakscope: it
// prints the stream of `leakscope parse --dump-ast --files-from FILE`
// with astdump, distorted as the variable's value says.
const fakeEnv = "ASTDIFF_FAKE_LEAKSCOPE"

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(fakeEnv); ok {
		os.Exit(fakeLeakscope(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeLeakscope(mode string, args []string) int {
	if len(args) != 4 || args[0] != "parse" || args[1] != "--dump-ast" || args[2] != "--files-from" {
		fmt.Fprintf(os.Stderr, "fake leakscope: bad arguments %q\n", args)
		return 2
	}
	paths, err := gofiles.ReadList(args[3], nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i, p := range paths {
		if mode == "crash-after-1" && i == 1 {
			w.Flush()
			fmt.Fprintln(os.Stderr, "fake leakscope: segmentation fault")
			return 139
		}
		var buf bytes.Buffer
		if err := astdump.DumpFile(&buf, p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		out := buf.Bytes()
		if mode == "reject-first" && i == 0 {
			out = []byte(astdump.Header(p) + "\nERROR 1:1: leakscope says no\n")
		}
		w.Write(out)
	}
	if mode == "exit-1" {
		w.Flush()
		return 1
	}
	return 0
}

// Source files for the tests; bad.go has a syntax error.
var testFiles = map[string]string{
	"a.go":              "package a\n\nfunc F(x int) int { return x + 1 }\n",
	"b.go":              "package a\n\nvar V = []string{\"x\", `y`}\n",
	"bad.go":            "package a\n\nfunc {\n",
	"sub/c.go":          "package sub\n\n// C.\nconst C = 'c'\n",
	"sub/testdata/d.go": "package d\n\ntype T[P any] struct{ p P }\n",
	"vendor/v/v.go":     "package v\n",
	"notgo.txt":         "not Go\n",
	"sub/x.go.orig":     "package x\n",
}

// makeTree writes testFiles under a new directory and returns it and the
// .go files in walk order.
func makeTree(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range testFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A symbolic link to a Go file is not followed.
	if err := os.Symlink(filepath.Join(dir, "a.go"), filepath.Join(dir, "link.go")); err != nil {
		t.Logf("no symlink: %v", err)
	}
	paths, err := gofiles.Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range paths {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"a.go", "b.go", "bad.go", "sub/c.go", "sub/testdata/d.go", "vendor/v/v.go"}
	if strings.Join(rel, " ") != strings.Join(want, " ") {
		t.Fatalf("Collect = %q, want %q", rel, want)
	}
	return dir, paths
}

// goStream returns the Go side's stream for paths.
func goStream(t *testing.T, paths []string) string {
	t.Helper()
	var buf bytes.Buffer
	for _, p := range paths {
		if err := astdump.DumpFile(&buf, p); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

func compareAll(stream io.Reader, paths []string) ([]Result, bool) {
	var results []Result
	unread := Compare(stream, paths, Options{Workers: 3, Ahead: 2, Context: 3}, func(r Result) {
		results = append(results, r)
	})
	return results, unread
}

func TestCompareIdentical(t *testing.T) {
	_, paths := makeTree(t)
	results, unread := compareAll(strings.NewReader(goStream(t, paths)), paths)
	if unread {
		t.Error("output left unread")
	}
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d files", len(results), len(paths))
	}
	for i, r := range results {
		if r.Path != paths[i] {
			t.Errorf("result %d is for %s, want %s", i, r.Path, paths[i])
		}
		if r.Kind != Pass {
			t.Errorf("%s: %v\n%s", r.Path, r.Kind, r.Detail)
		}
	}
}

// blockOf returns the part of stream that is the block of path.
func blockOf(t *testing.T, stream, path string) string {
	t.Helper()
	h := astdump.Header(path) + "\n"
	i := strings.Index(stream, h)
	if i < 0 {
		t.Fatalf("no block for %s", path)
	}
	rest := stream[i+len(h):]
	if j := strings.Index(rest, "\n=== "); j >= 0 {
		rest = rest[:j+1]
	}
	return h + rest
}

func TestCompareMutations(t *testing.T) {
	_, paths := makeTree(t)
	a, b, bad, c := paths[0], paths[1], paths[2], paths[3]
	last := paths[len(paths)-1]
	stream := goStream(t, paths)
	replaceBlock := func(path, with string) func(string) string {
		return func(s string) string {
			return strings.Replace(s, blockOf(t, s, path), astdump.Header(path)+"\n"+with, 1)
		}
	}
	tests := []struct {
		name   string
		mutate func(string) string
		want   map[string]Kind // files not listed must pass
		unread bool
		detail []string // substrings of the first failure's detail
	}{
		{
			name: "changed offset",
			mutate: func(s string) string {
				return strings.Replace(s, `    Name: Ident 16-17 "F"`, `    Name: Ident 16-18 "F"`, 1)
			},
			want:   map[string]Kind{a: DumpDiffers},
			detail: []string{"first difference at dump line 4 (leakscope output line 5)", "go:", "  >      4       Name: Ident 16-17 \"F\"", "leakscope:", "  >      4       Name: Ident 16-18 \"F\"", "         3     Decls[0]: FuncDecl 11-45", "         5       Type: FuncType 11-28"},
		},
		{
			name:   "missing line",
			mutate: func(s string) string { return strings.Replace(s, "  Name: Ident 8-9 \"a\"\n", "", 1) },
			want:   map[string]Kind{a: DumpDiffers},
			detail: []string{"first difference at dump line 2"},
		},
		{
			name: "extra line at end of block",
			mutate: func(s string) string {
				blk := blockOf(t, s, b)
				return strings.Replace(s, blk, blk+"  Extra: Ident 1-2 \"x\"\n", 1)
			},
			want:   map[string]Kind{b: DumpDiffers},
			detail: []string{"<end of dump>", "  >     11     Extra: Ident 1-2 \"x\""},
		},
		{
			name:   "empty block",
			mutate: replaceBlock(c, ""),
			want:   map[string]Kind{c: DumpDiffers},
			detail: []string{"first difference at dump line 1", "<end of dump>"},
		},
		{
			name:   "leakscope rejects",
			mutate: replaceBlock(a, "ERROR 3:1: unexpected thing\n"),
			want:   map[string]Kind{a: LeakscopeRejects},
			detail: []string{"leakscope: ERROR 3:1: unexpected thing"},
		},
		{
			name:   "leakscope accepts",
			mutate: replaceBlock(bad, "File 0-5\n"),
			want:   map[string]Kind{bad: LeakscopeAccepts},
			detail: []string{"go/parser: ERROR 3:6: expected 'IDENT', found '{'"},
		},
		{
			name:   "other error message",
			mutate: replaceBlock(bad, "ERROR 9:9: something else\n"),
		},
		{
			name:   "two error lines",
			mutate: replaceBlock(bad, "ERROR 3:6: x\nERROR 3:7: y\n"),
			want:   map[string]Kind{bad: DumpDiffers},
		},
		{
			name:   "truncated stream",
			mutate: func(s string) string { return s[:strings.Index(s, astdump.Header(c))] },
			want:   map[string]Kind{c: Missing, paths[4]: Missing, last: Missing},
			detail: []string{"output ended", "the 2 files after it are not checked"},
		},
		{
			name:   "stream cut inside a block",
			mutate: func(s string) string { return s[:strings.Index(s, astdump.Header(b))+len(astdump.Header(b))+20] },
			want:   map[string]Kind{b: DumpDiffers, bad: Missing, c: Missing, paths[4]: Missing, last: Missing},
		},
		{
			name:   "wrong header",
			mutate: func(s string) string { return strings.Replace(s, astdump.Header(c), "=== elsewhere.go", 1) },
			want:   map[string]Kind{c: Missing, paths[4]: Missing, last: Missing},
			unread: true,
			detail: []string{"got === elsewhere.go"},
		},
		{
			name:   "no final newline",
			mutate: func(s string) string { return strings.TrimSuffix(s, "\n") },
			want:   map[string]Kind{last: DumpDiffers},
			detail: []string{"without a newline"},
		},
		{
			name:   "carriage returns",
			mutate: func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") },
			// Headers no longer match: the first file is missing.
			want:   map[string]Kind{a: Missing, b: Missing, bad: Missing, c: Missing, paths[4]: Missing, last: Missing},
			unread: true,
		},
		{
			name:   "output after the last file",
			mutate: func(s string) string { return s + "=== extra.go\nFile 0-1\n" },
			want:   map[string]Kind{last: ExtraOutput},
			unread: true,
			detail: []string{"=== extra.go"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mutated := tt.mutate(stream)
			if mutated == stream {
				t.Fatal("mutation changed nothing")
			}
			results, unread := compareAll(strings.NewReader(mutated), paths)
			if unread != tt.unread {
				t.Errorf("unread = %v, want %v", unread, tt.unread)
			}
			if len(results) != len(paths) {
				t.Fatalf("%d results for %d files", len(results), len(paths))
			}
			var first *Result
			for i, r := range results {
				if r.Path != paths[i] {
					t.Fatalf("result %d is for %s, want %s", i, r.Path, paths[i])
				}
				want, ok := tt.want[r.Path]
				if !ok {
					want = Pass
				}
				if r.Kind != want {
					t.Errorf("%s: got %v, want %v\n%s", r.Path, r.Kind, want, r.Detail)
				}
				if r.Kind != Pass && first == nil {
					first = &results[i]
				}
			}
			for _, d := range tt.detail {
				if first == nil || !strings.Contains(first.Detail, d) {
					t.Errorf("detail does not contain %q:\n%v", d, first)
				}
			}
		})
	}
}

// A dump line longer than the reader's buffer (a large literal) must be
// compared in full.
func TestCompareLongLines(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.go")
	big := strings.Repeat("ab\\\"", 1<<19) // 2 MiB, quoted to more
	src := "package big\n\nconst S = \"" + big + "\"\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{p}
	stream := goStream(t, paths)
	results, _ := compareAll(strings.NewReader(stream), paths)
	if results[0].Kind != Pass {
		t.Errorf("identical: %v\n%s", results[0].Kind, results[0].Detail)
	}
	i := strings.LastIndex(stream, "ab")
	mutated := stream[:i] + "ba" + stream[i+2:]
	results, _ = compareAll(strings.NewReader(mutated), paths)
	if results[0].Kind != DumpDiffers {
		t.Errorf("mutated: %v", results[0].Kind)
	}
	if !strings.Contains(results[0].Detail, "[...]") || len(results[0].Detail) > 10000 {
		t.Errorf("long line not shortened in detail (%d bytes)", len(results[0].Detail))
	}
}

// A line longer than maxLine is truncated, fails, and does not upset the
// reading of the following blocks.
func TestCompareTruncatedLine(t *testing.T) {
	defer func(n int) { maxLine = n }(maxLine)
	maxLine = 3 << 20

	dir := t.TempDir()
	big := filepath.Join(dir, "big.go")
	small := filepath.Join(dir, "small.go")
	src := "package big\n\nconst S = \"" + strings.Repeat("x", 4<<20) + "\"\n"
	if err := os.WriteFile(big, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(small, []byte("package small\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{big, small}
	results, unread := compareAll(strings.NewReader(goStream(t, paths)), paths)
	if unread {
		t.Error("output left unread")
	}
	if results[0].Kind != DumpDiffers || !strings.Contains(results[0].Detail, "truncated") {
		t.Errorf("big.go: %v\n%s", results[0].Kind, results[0].Detail)
	}
	if results[1].Kind != Pass {
		t.Errorf("small.go: %v\n%s", results[1].Kind, results[1].Detail)
	}
}

// runAstdiff runs the command with the test binary as a fake leakscope.
func runAstdiff(t *testing.T, mode string, args ...string) (int, string) {
	t.Helper()
	t.Setenv(fakeEnv, mode)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(append([]string{"-leakscope", exe}, args...), &out, &errOut)
	if errOut.Len() > 0 {
		t.Logf("stderr: %s", errOut.String())
	}
	return code, out.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestRunPass(t *testing.T) {
	dir, paths := makeTree(t)
	code, out := runAstdiff(t, "ok", "-v", dir)
	if code != 0 {
		t.Errorf("exit %d, want 0\n%s", code, out)
	}
	if want := fmt.Sprintf("astdiff: %d passed, 0 failed", len(paths)); lastLine(out) != want {
		t.Errorf("last line %q, want %q", lastLine(out), want)
	}
	if !strings.Contains(out, "PASS "+paths[0]+"\n") {
		t.Errorf("-v output lacks PASS lines:\n%s", out)
	}
}

func TestRunFailures(t *testing.T) {
	dir, paths := makeTree(t)
	list := filepath.Join(t.TempDir(), "failed.txt")
	code, out := runAstdiff(t, "reject-first", "-list-failed", list, dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := fmt.Sprintf("astdiff: %d passed, 1 failed", len(paths)-1); lastLine(out) != want {
		t.Errorf("last line %q, want %q\n%s", lastLine(out), want, out)
	}
	for _, s := range []string{
		"FAIL " + paths[0] + ": go/parser accepts, leakscope rejects\n",
		"  leakscope: ERROR 1:1: leakscope says no\n",
		"failures by kind:\n       1  go/parser accepts, leakscope rejects\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	data, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != paths[0]+"\n" {
		t.Errorf("-list-failed wrote %q", data)
	}
}

func TestRunCrash(t *testing.T) {
	dir, paths := makeTree(t)
	code, out := runAstdiff(t, "crash-after-1", "-max-diffs", "1", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := fmt.Sprintf("astdiff: 1 passed, %d failed", len(paths)-1); lastLine(out) != want {
		t.Errorf("last line %q, want %q\n%s", lastLine(out), want, out)
	}
	for _, s := range []string{
		"leakscope exited abnormally: exit status 139",
		"fake leakscope: segmentation fault",
		fmt.Sprintf("  %6d  missing from leakscope output\n", len(paths)-1),
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestRunExitStatus(t *testing.T) {
	dir, paths := makeTree(t)
	code, out := runAstdiff(t, "exit-1", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := fmt.Sprintf("astdiff: %d passed, 1 failed", len(paths)-1); lastLine(out) != want {
		t.Errorf("last line %q, want %q\n%s", lastLine(out), want, out)
	}
	if !strings.Contains(out, "FAIL "+paths[len(paths)-1]+": leakscope exited abnormally\n") {
		t.Errorf("last file not failed:\n%s", out)
	}
}

func TestRunUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{},
		{dir},
		{"-leakscope", "x"},
		{"-bogus", "-leakscope", "x", dir},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"-leakscope", "x", filepath.Join(dir, "nonexistent")}, &out, &errOut); code != 2 {
		t.Errorf("nonexistent root: exit %d, want 2", code)
	}
}

func TestRunCannotStart(t *testing.T) {
	dir, _ := makeTree(t)
	var out, errOut bytes.Buffer
	code := run([]string{"-leakscope", filepath.Join(dir, "no-such-binary"), dir}, &out, &errOut)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "starting leakscope") {
		t.Errorf("stderr: %s", errOut.String())
	}
}
