package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRewriteKeepsLinesAndScoping(t *testing.T) {
	src := `package p // comment stays

import (
	stdctx "context"
	"time"
)

func f(parent stdctx.Context) stdctx.Context {
	ctx, cancel := stdctx.WithTimeout(parent, time.Second)
	defer cancel()
	with := stdctx.WithValue
	return with(ctx, 1, 2)
}

func g(stdctx struct{ WithCancel int }) int { return stdctx.WithCancel }
`
	out, n, err := rewrite("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d rewrites, want 2 (the shadowing parameter is not the package)", n)
	}
	got := string(out)
	want := strings.Replace(src, "package p // comment", `package p; import leakscopelineage "github.com/leakscope/leakscope/go/lineage" // comment`, 1)
	want = strings.Replace(want, "stdctx.WithTimeout", "leakscopelineage.WithTimeout", 1)
	want = strings.Replace(want, "stdctx.WithValue", "leakscopelineage.WithValue", 1)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Count(got, "\n") != strings.Count(src, "\n") {
		t.Error("line count changed although context is still used")
	}
}

func TestRewriteKeepsContextImportUsed(t *testing.T) {
	src := "package p\n\nimport \"context\"\n\nvar c, cancel = context.WithCancel(nil)\n"
	out, n, _ := rewrite("p.go", []byte(src))
	if n != 1 || !strings.HasSuffix(string(out), "var _ = context.Background // added by leakscope lineage build\n") {
		t.Errorf("n=%d\n%s", n, out)
	}
	if _, n, _ := rewrite("q.go", []byte("package q\n\nfunc f() {}\n")); n != 0 {
		t.Error("a file without context was rewritten")
	}
}

// TestOverlayBuildTracesWithoutCodeChanges builds a small module with the
// overlay, runs it, and reads the events it wrote: the user's source is
// untouched, the sites name its real files and lines.
func TestOverlayBuildTracesWithoutCodeChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	mod := t.TempDir()
	mainSrc := `package main

import (
	"context"
	"fmt"
	"time"
)

func helper() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	<-ctx.Done()
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	_ = ctx
	cancel()
	go helper()
	fmt.Println("ok")
}
`
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.26\n")
	write("main.go", mainSrc)
	goDir, _ := filepath.Abs("../../..")
	var stdout, stderr bytes.Buffer
	out := t.TempDir()
	if code := run([]string{"-module", mod, "-out", out, "-lineage-dir", goDir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	overlay := strings.TrimSpace(stdout.String())
	if !strings.Contains(stderr.String(), "2 calls rewritten in 1 of 1 files") {
		t.Errorf("summary: %s", stderr.String())
	}
	events := filepath.Join(t.TempDir(), "events.jsonl")
	cmd := exec.Command(goBin, "run", "-overlay", overlay, ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "LEAKSCOPE_LINEAGE="+events)
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "ok") {
		t.Fatalf("go run with the overlay: %v\n%s", err, b)
	}
	if b, _ := os.ReadFile(filepath.Join(mod, "main.go")); string(b) != mainSrc {
		t.Error("the user's source changed")
	}
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if e["ev"] == "derive" && e["kind"] == "cancel" {
			found = true
			if e["file"] != filepath.Join(mod, "main.go") || e["line"] != 16.0 || e["func"] != "main.main" || e["parent"] != "root:background" {
				t.Errorf("derive site: %v", e)
			}
		}
	}
	if !found {
		t.Errorf("no cancel derive in\n%s", data)
	}
}

// TestRunsTheGoCommand uses the form leakscope lineage build relies on:
// the go command after the flags, run with the overlay and the events
// path.
func TestRunsTheGoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tests")
	}
	mod := t.TempDir()
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/lib\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "lib_test.go"), []byte(`package lib

import (
	"context"
	"testing"
	"time"
)

func TestT(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = ctx
}
`), 0o644)
	goDir, _ := filepath.Abs("../../..")
	events := filepath.Join(t.TempDir(), "ev-%p.jsonl")
	t.Chdir(mod)
	var stdout, stderr bytes.Buffer
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	code := run([]string{"-lineage-dir", goDir, "-events", events, "--", goBin, "test", "-count=1", "."}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "ok") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	files, _ := filepath.Glob(strings.Replace(events, "%p", "*", 1))
	if len(files) != 1 {
		t.Fatalf("event files %v", files)
	}
	data, _ := os.ReadFile(files[0])
	if !strings.Contains(string(data), `"kind":"timeout","t":`) || !strings.Contains(string(data), `"how":"cancel"`) {
		t.Errorf("events:\n%s", data)
	}
	if code := run([]string{"-lineage-dir", goDir, goBin}, &stdout, &stderr); code != 2 {
		t.Errorf("a go command without a subcommand: exit %d", code)
	}
}
