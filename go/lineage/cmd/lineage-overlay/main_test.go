package main

import (
	"bytes"
	"encoding/json"
	"io"
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

// writeFiles writes name → text under dir, making directories as needed.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// derivedIn returns the files named by the derive events in events.
func derivedIn(t *testing.T, events string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e struct{ Ev, File string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if e.Ev == "derive" {
			files[e.File] = true
		}
	}
	return files
}

const libSrc = `package lib

import "context"

// Child derives from ctx in another module of the workspace.
func Child(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}
`

const appSrc = `package main

import (
	"context"
	"fmt"

	"example.com/lib"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	child, stop := lib.Child(ctx)
	defer stop()
	fmt.Println("ok", child.Err())
}
`

// TestWorkspaceRewritesEveryModule runs a program of a go.work with two
// modules: the derivation in the other module is traced too, each module
// gets its go.mod copy, and a nested module the go.work does not use is
// left alone.
func TestWorkspaceRewritesEveryModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	ws := t.TempDir()
	writeFiles(t, ws, map[string]string{
		"go.work":               "go 1.26\n\nuse (\n\t./app\n\t./lib\n)\n",
		"app/go.mod":            "module example.com/app\n\ngo 1.26\n",
		"app/main.go":           appSrc,
		"app/nested/go.mod":     "module example.com/nested\n\ngo 1.26\n",
		"app/nested/nested.go":  "package nested\n\nimport \"context\"\n\nvar C, Stop = context.WithCancel(context.Background())\n",
		"lib/go.mod":            "module example.com/lib\n\ngo 1.26\n",
		"lib/lib.go":            libSrc,
		"lib/internal/x/doc.go": "package x\n",
	})
	t.Setenv("GOWORK", "")
	t.Setenv("GOFLAGS", "-mod=readonly")
	goDir, _ := filepath.Abs("../../..")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out := t.TempDir()
	events := filepath.Join(out, "events.jsonl")
	var stdout, stderr bytes.Buffer
	app := filepath.Join(ws, "app")
	code := run([]string{"-lineage-dir", goDir, "-module", app, "-out", out, "-events", events, "--", goBin, "run", "."}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "ok <nil>") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "rewriting its 2 modules") || !strings.Contains(stderr.String(), "2 calls rewritten in 2 of 3 files") {
		t.Errorf("summary:\n%s", stderr.String())
	}
	derived := derivedIn(t, events)
	for _, f := range []string{"app/main.go", "lib/lib.go"} {
		if !derived[filepath.Join(ws, f)] {
			t.Errorf("no derive in %s: %v", f, derived)
		}
	}
	overlay, _ := os.ReadFile(filepath.Join(out, "overlay.json"))
	var o struct{ Replace map[string]string }
	if err := json.Unmarshal(overlay, &o); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"app/go.mod", "app/main.go", "lib/go.mod", "lib/lib.go"} {
		if o.Replace[filepath.Join(ws, f)] == "" {
			t.Errorf("%s not in the overlay:\n%s", f, overlay)
		}
	}
	if len(o.Replace) != 4 {
		t.Errorf("the nested module was rewritten:\n%s", overlay)
	}
	if b, _ := os.ReadFile(filepath.Join(ws, "lib/lib.go")); string(b) != libSrc {
		t.Error("lib.go changed on disk")
	}

	// From the workspace's directory, which holds no go.mod.
	stdout.Reset()
	stderr.Reset()
	code = run([]string{"-lineage-dir", goDir, "-module", ws, "-events", events, "--", goBin, "run", "./app"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "ok <nil>") {
		t.Fatalf("from the go.work directory: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}

	// With the workspace off, only the module of the directory counts.
	setup, err := locate(goBin, app, []string{"build", "."}, append(os.Environ(), "GOWORK=off"))
	if err != nil || setup.workFile != "" || len(setup.modules) != 1 || setup.modules[0] != app {
		t.Errorf("GOWORK=off: %+v, %v", setup, err)
	}
}

// TestVendoredBuildAsksForModMod: a build that would read vendor/ stops
// before the go command runs and names the fix; with -mod=mod (flag or
// GOFLAGS) the same module builds and is traced.
func TestVendoredBuildAsksForModMod(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"lib/go.mod":  "module example.com/lib\n\ngo 1.26\n",
		"lib/lib.go":  libSrc,
		"app/go.mod":  "module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
		"app/main.go": appSrc,
	})
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	app := filepath.Join(dir, "app")
	vendor := exec.Command(goBin, "mod", "vendor")
	vendor.Dir = app
	if b, err := vendor.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, b)
	}
	goDir, _ := filepath.Abs("../../..")
	events := filepath.Join(t.TempDir(), "events.jsonl")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-lineage-dir", goDir, "-module", app, "-events", events, "--", goBin, "run", "."}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), filepath.Join(app, "vendor")+" (-mod=vendor)") ||
		!strings.Contains(stderr.String(), "Add -mod=mod to the go command") || stdout.Len() != 0 {
		t.Errorf("vendored: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, command := range [][]string{{goBin, "run", "-mod=mod", "."}, {goBin, "run", "-mod", "mod", "."}} {
		stdout.Reset()
		stderr.Reset()
		code := run(append([]string{"-lineage-dir", goDir, "-module", app, "-events", events, "--"}, command...), &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String(), "ok <nil>") {
			t.Fatalf("%v: exit %d\n%s\n%s", command, code, stdout.String(), stderr.String())
		}
	}
	if !derivedIn(t, events)[filepath.Join(app, "main.go")] {
		t.Error("no derive in app/main.go")
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	if setup, err := locate(goBin, app, []string{"test", "./..."}, os.Environ()); err != nil || setup.vendorDir != "" {
		t.Errorf("GOFLAGS=-mod=mod: %+v, %v", setup, err)
	}
	if setup, err := locate(goBin, app, []string{"test", "-mod=vendor", "./..."}, os.Environ()); err != nil || setup.vendorDir == "" {
		t.Errorf("-mod=vendor over GOFLAGS: %+v, %v", setup, err)
	}
}

func TestBuildFlagsAndVersions(t *testing.T) {
	for _, c := range []struct {
		args []string
		mod  string
	}{
		{[]string{"test", "./..."}, ""},
		{[]string{"build", "-tags", "x", "-mod=mod", "."}, "mod"},
		{[]string{"run", "--mod", "readonly", ".", "x"}, "readonly"},
		{[]string{"test", ".", "-args", "-mod=vendor"}, ""},
		{[]string{"build", "-mod=vendor", "-mod=mod"}, "mod"},
	} {
		if m := flagValue(buildFlags(c.args), "mod"); m != c.mod {
			t.Errorf("%v: mod %q, want %q", c.args, m, c.mod)
		}
	}
	for v, want := range map[string]bool{"1.14": true, "1.13": false, "1.22.3": true, "1.23rc1": true, "2": true, "1": false, "x": false} {
		if atLeast(v, 1, 14) != want {
			t.Errorf("atLeast(%q, 1.14) = %v", v, !want)
		}
	}
	if goLine([]byte("module m\n\ngo 1.21.0\n")) != "1.21.0" || goLine([]byte("module m\n")) != "" {
		t.Error("goLine")
	}
}

// TestOlderGoLineRefused: the go command would refuse a module whose go
// line is older than the lineage module's; the tool says so first.
func TestOlderGoLineRefused(t *testing.T) {
	mod := t.TempDir()
	writeFiles(t, mod, map[string]string{
		"go.mod":  "module example.com/old\n\ngo 1.21\n",
		"main.go": "package main\n\nimport \"context\"\n\nfunc main() { _, c := context.WithCancel(context.Background()); c() }\n",
	})
	goDir, _ := filepath.Abs("../../..")
	_, err := prepare([]string{mod}, t.TempDir(), goDir, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "the go line is 1.21, older than the lineage module's go 1.") {
		t.Errorf("got %v", err)
	}
	writeFiles(t, mod, map[string]string{"main.go": "package main\n\nfunc main() {}\n"})
	if _, err := prepare([]string{mod}, t.TempDir(), goDir, io.Discard); err != nil {
		t.Errorf("nothing rewritten, no go.mod copy needed: %v", err)
	}
}
