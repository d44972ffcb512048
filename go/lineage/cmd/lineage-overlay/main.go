// Command lineage-overlay prepares a `go build -overlay` file that makes a
// module's context derivations go through package lineage without
// touching its sources. `leakscope lineage build -- go test ./...` runs it
// and then the go command with -overlay; docs/lineage-go.md describes the
// interface.
//
// Every .go file of the module (tests too) that imports "context" and
// names one of context.WithCancel, WithCancelCause, WithTimeout,
// WithTimeoutCause, WithDeadline, WithDeadlineCause, WithValue,
// WithoutCancel or AfterFunc gets a rewritten copy in which those names
// are taken from the lineage package instead. The edits are splices that
// never add or remove a line before the last one, so creation sites in the
// events keep the user's line numbers. go.mod gets a copy that requires
// the lineage module and replaces it with the local directory.
//
// Under a go.work, every module it uses is rewritten the same way, each
// with its own go.mod copy. Nested modules are other modules: they are left out unless
// the go.work uses them, and dependencies are never rewritten. A build
// that reads packages from vendor/ cannot be traced (the go command reads
// vendor/modules.txt around the overlay); the tool says so and asks for
// -mod=mod.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const (
	lineageModule = "github.com/leakscope/leakscope/go"
	lineageImport = lineageModule + "/lineage"
	// lineageName is the import name used in rewritten files: long enough
	// not to collide with the user's own names.
	lineageName = "leakscopelineage"
)

var rewritten = map[string]bool{
	"WithCancel": true, "WithCancelCause": true, "WithTimeout": true, "WithTimeoutCause": true,
	"WithDeadline": true, "WithDeadlineCause": true, "WithValue": true, "WithoutCancel": true, "AfterFunc": true,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("lineage-overlay", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dir := fl.String("module", ".", "directory the go command runs in: its module, or every module of the go.work in effect, is rewritten")
	outDir := fl.String("out", "", "directory for the rewritten copies and overlay.json (default: a new temporary directory)")
	goDir := fl.String("lineage-dir", os.Getenv("LEAKSCOPE_GO_DIR"), "leakscope's Go module directory (module "+lineageModule+"; default $LEAKSCOPE_GO_DIR)")
	events := fl.String("events", "", "with a go command after the flags: LEAKSCOPE_LINEAGE for it (default OUT/lineage-%p.jsonl)")
	gowork := fl.String("gowork", os.Getenv("GOWORK"), "GOWORK for the go command (default $GOWORK; leakscope passes the user's here, as it runs this tool with GOWORK=off)")
	prepareOnly := fl.Bool("prepare-only", false, "with a go command after the flags: prepare the overlay for it and print its path, but do not run it")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	command := fl.Args()
	if *goDir == "" || len(command) == 1 {
		fmt.Fprintln(stderr, "usage: lineage-overlay -lineage-dir DIR [-module DIR] [-out DIR] [-events PATTERN] [-gowork VALUE] [-prepare-only] [GO SUBCOMMAND ARGS...]")
		return 2
	}
	goBin, goArgs := "go", []string(nil)
	if len(command) > 0 {
		goBin, goArgs = command[0], command[1:]
	}
	goEnv := append(os.Environ(), "GOWORK="+*gowork)
	res, err := prepareFor(goBin, goArgs, goEnv, *dir, *outDir, *goDir, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lineage-overlay: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "lineage-overlay: %d calls rewritten in %d of %d files\n", res.calls, res.files, res.scanned)
	if len(command) == 0 || *prepareOnly {
		fmt.Fprintln(stdout, res.overlayPath)
		return 0
	}
	if *events == "" {
		*events = filepath.Join(filepath.Dir(res.overlayPath), "lineage-%p.jsonl")
	}
	return runGo(command, *dir, goEnv, res.overlayPath, *events, stdout, stderr)
}

// prepareFor writes the overlay for "goBin goArgs..." run in dir with the
// environment goEnv.
func prepareFor(goBin string, goArgs, goEnv []string, dir, outDir, goDir string, warn io.Writer) (*result, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	setup, err := locate(goBin, dir, goArgs, goEnv)
	if err != nil {
		return nil, err
	}
	if setup.vendorDir != "" {
		return nil, vendorError(setup)
	}
	if setup.workFile != "" {
		fmt.Fprintf(warn, "lineage-overlay: workspace %s: rewriting its %d modules\n", setup.workFile, len(setup.modules))
	}
	return prepare(setup.modules, outDir, goDir, warn)
}

// runGo runs "GO SUBCOMMAND -overlay=FILE ARGS..." in dir with the
// environment env and LEAKSCOPE_LINEAGE set, and returns its exit status.
func runGo(command []string, dir string, env []string, overlay, events string, stdout, stderr io.Writer) int {
	args := append([]string{command[1], "-overlay=" + overlay}, command[2:]...)
	cmd := exec.Command(command[0], args...)
	cmd.Dir, cmd.Env = dir, append(env, "LEAKSCOPE_LINEAGE="+events)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	fmt.Fprintf(stderr, "lineage-overlay: events go to %s\n", events)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	default:
		fmt.Fprintf(stderr, "lineage-overlay: %v\n", err)
		return 1
	}
}

type result struct {
	overlayPath           string
	calls, files, scanned int
}

// prepare rewrites the files of the modules rooted at modules (absolute
// paths) into outDir/src/ABSOLUTE-PATH and writes outDir/overlay.json.
// Each module with a rewritten file gets a go.mod copy that requires the
// lineage module from goDir. In a workspace one such require would do;
// one per module keeps each go.mod in line with its own imports, as
// go mod tidy would.
func prepare(modules []string, outDir, goDir string, warn io.Writer) (*result, error) {
	goDir, err := filepath.Abs(goDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(goDir, "lineage")); err != nil {
		return nil, fmt.Errorf("-lineage-dir %s: no lineage package there: %w", goDir, err)
	}
	modTexts := make([][]byte, len(modules))
	self := false // the lineage module itself is built: it needs no require
	for i, root := range modules {
		if modTexts[i], err = os.ReadFile(filepath.Join(root, "go.mod")); err != nil {
			return nil, err
		}
		self = self || modulePath(modTexts[i]) == lineageModule
	}
	if outDir == "" {
		if outDir, err = os.MkdirTemp("", "leakscope-lineage-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	replace := map[string]string{}
	res := &result{}
	for i, root := range modules {
		files := res.files
		skip := ""
		if modulePath(modTexts[i]) == lineageModule {
			skip = filepath.Join(root, "lineage") // the package cannot trace itself
		}
		if err := rewriteModule(root, skip, outDir, replace, res, warn); err != nil {
			return nil, err
		}
		if !self && res.files > files {
			if err := checkGoLine(root, modTexts[i], goDir); err != nil {
				return nil, err
			}
			modPath := filepath.Join(root, "go.mod")
			dst := filepath.Join(outDir, "src", modPath)
			if err := os.WriteFile(dst, withLineageRequire(modTexts[i], goDir), 0o644); err != nil {
				return nil, err
			}
			replace[modPath] = dst
		}
	}
	res.overlayPath = filepath.Join(outDir, "overlay.json")
	return res, writeOverlay(res.overlayPath, replace)
}

// checkGoLine fails when the module's go line is older than the lineage
// module's: the go command refuses a requirement on a module that needs
// a newer Go ("updates to go.mod needed"), and raising the line in the
// copy would change the language the user's code is compiled as.
func checkGoLine(root string, modText []byte, goDir string) error {
	lineageMod, err := os.ReadFile(filepath.Join(goDir, "go.mod"))
	if err != nil {
		return err
	}
	need := goLine(lineageMod)
	major, minor, ok := majorMinor(need)
	if !ok {
		return nil
	}
	if have := goLine(modText); have == "" || !atLeast(have, major, minor) {
		if have == "" {
			have = "none (1.16 assumed)"
		}
		return fmt.Errorf("%s: the go line is %s, older than the lineage module's go %s, so the go command "+
			"would refuse the build (a module cannot require one that needs a newer Go); "+
			"lineage build needs go %s or later in this go.mod", filepath.Join(root, "go.mod"), have, need, need)
	}
	return nil
}

// rewriteModule writes the rewritten copies of root's .go files (but not
// of the directory skip) and records them in replace and res.
func rewriteModule(root, skip, outDir string, replace map[string]string, res *result, warn io.Writer) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (skipDir(path, d.Name()) || path == skip) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || !d.Type().IsRegular() {
			return nil
		}
		res.scanned++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out, n, err := rewrite(path, src)
		if err != nil {
			fmt.Fprintf(warn, "lineage-overlay: %v (left as it is)\n", err)
			return nil
		}
		if n == 0 {
			return nil
		}
		dst := filepath.Join(outDir, "src", path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return err
		}
		replace[path] = dst
		res.calls += n
		res.files++
		return nil
	})
}

// skipDir leaves out what the go command leaves out (testdata, vendor,
// hidden and _ directories) and nested modules: they are other modules,
// rewritten only when a go.work uses them.
func skipDir(path, name string) bool {
	if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return true
	}
	_, err := os.Stat(filepath.Join(path, "go.mod"))
	return err == nil
}

func modulePath(mod []byte) string {
	for _, line := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

func withLineageRequire(mod []byte, goDir string) []byte {
	var b bytes.Buffer
	b.Write(mod)
	if len(mod) > 0 && mod[len(mod)-1] != '\n' {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\n// added by leakscope lineage build (overlay only)\nrequire %s v0.0.0\nreplace %s => %s\n",
		lineageModule, lineageModule, strconv.Quote(goDir))
	return b.Bytes()
}

func writeOverlay(path string, replace map[string]string) error {
	keys := make([]string, 0, len(replace))
	for k := range replace {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("{\"Replace\":{")
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(replace[k])
		fmt.Fprintf(&b, "\n  %s: %s", kj, vj)
	}
	b.WriteString("\n}}\n")
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// rewrite returns src with every selector context.WithX (for the names in
// rewritten) taken from the lineage package, and how many it changed.
func rewrite(path string, src []byte) ([]byte, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return nil, 0, err
	}
	local := contextName(f)
	if local == "" {
		return src, 0, nil
	}
	type splice struct{ at, end int }
	var edits []splice
	others := 0
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		// Obj is nil for package names (files are parsed with object
		// resolution): a local variable called context is left alone.
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && id.Obj == nil {
			if rewritten[sel.Sel.Name] {
				edits = append(edits, splice{fset.Position(id.Pos()).Offset, fset.Position(id.End()).Offset})
			} else {
				others++
			}
		}
		return true
	})
	if len(edits) == 0 {
		return src, 0, nil
	}
	var b bytes.Buffer
	last := 0
	// The import goes on the package clause's line, so no line moves.
	pkgEnd := fset.Position(f.Name.End()).Offset
	for _, e := range edits {
		if pkgEnd >= last && pkgEnd <= e.at {
			b.Write(src[last:pkgEnd])
			fmt.Fprintf(&b, "; import %s %q", lineageName, lineageImport)
			last = pkgEnd
		}
		b.Write(src[last:e.at])
		b.WriteString(lineageName)
		last = e.end
	}
	b.Write(src[last:])
	if others == 0 { // every use moved to lineage: keep the import used
		fmt.Fprintf(&b, "\nvar _ = %s.Background // added by leakscope lineage build\n", local)
	}
	return b.Bytes(), len(edits), nil
}

// contextName returns the name under which f imports "context", or "".
func contextName(f *ast.File) string {
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err != nil || p != "context" {
			continue
		}
		if imp.Name == nil {
			return "context"
		}
		if imp.Name.Name != "_" && imp.Name.Name != "." {
			return imp.Name.Name
		}
	}
	return ""
}
