package main

// What the go command will load when it runs in a directory: the main
// module, or every module a go.work uses, and whether it will read
// packages from a vendor directory. The answers come from the go command
// itself (go env, go work edit -json) plus the -mod flag of the user's
// command, so they follow the same rules.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

type buildSetup struct {
	modules   []string // roots of the modules whose files are rewritten
	workFile  string   // the go.work in effect, or ""
	vendorDir string   // the vendor directory the build reads packages from, or ""
}

// locate asks goBin, run in dir with the environment goEnv, what a build
// with the flags in args (SUBCOMMAND ARGS...) loads.
func locate(goBin, dir string, args, goEnv []string) (*buildSetup, error) {
	var env struct{ GOWORK, GOMOD, GOFLAGS string }
	if err := goJSON(goBin, dir, goEnv, &env, "env", "-json", "GOWORK", "GOMOD", "GOFLAGS"); err != nil {
		return nil, err
	}
	// Command-line flags win over GOFLAGS, as in the go command.
	flags := append(strings.Fields(env.GOFLAGS), buildFlags(args)...)
	modFlag := flagValue(flags, "mod")
	setup := &buildSetup{workFile: env.GOWORK} // "" or the go.work in effect
	if setup.workFile == "off" {
		setup.workFile = ""
	}
	var goVersion, vendorDir string
	if setup.workFile != "" {
		var work struct {
			Go  string
			Use []struct{ DiskPath string }
		}
		if err := goJSON(goBin, dir, goEnv, &work, "work", "edit", "-json", setup.workFile); err != nil {
			return nil, err
		}
		workDir := filepath.Dir(setup.workFile)
		for _, u := range work.Use {
			root := u.DiskPath
			if !filepath.IsAbs(root) {
				root = filepath.Join(workDir, root)
			}
			setup.modules = append(setup.modules, filepath.Clean(root))
		}
		goVersion, vendorDir = work.Go, filepath.Join(workDir, "vendor")
	} else {
		if env.GOMOD == "" || env.GOMOD == os.DevNull {
			return nil, fmt.Errorf("%s is not inside a module (no go.mod there or above, no go.work)", dir)
		}
		root := filepath.Dir(env.GOMOD)
		setup.modules = []string{root}
		modText, err := os.ReadFile(env.GOMOD)
		if err != nil {
			return nil, err
		}
		goVersion, vendorDir = goLine(modText), filepath.Join(root, "vendor")
	}
	if usesVendor(vendorDir, goVersion, modFlag, setup.workFile != "") {
		setup.vendorDir = vendorDir
	}
	return setup, nil
}

// usesVendor follows the go command's choice of -mod (modload's
// setDefaultBuildMod): vendor when asked for, else by default when the
// vendor directory exists, the go line says 1.14 or later and
// modules.txt was written for the same mode (module or workspace).
func usesVendor(vendorDir, goVersion, modFlag string, workspace bool) bool {
	if fi, err := os.Stat(vendorDir); err != nil || !fi.IsDir() {
		return false
	}
	switch modFlag {
	case "vendor":
		return true
	case "mod", "readonly":
		return false
	}
	if goVersion == "" || !atLeast(goVersion, 1, 14) {
		return false
	}
	return vendorIsForWorkspace(vendorDir) == workspace
}

func vendorIsForWorkspace(vendorDir string) bool {
	f, err := os.Open(filepath.Join(vendorDir, "modules.txt"))
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	annotations, ok := strings.CutPrefix(line, "## ")
	if !ok {
		return false
	}
	for _, a := range strings.Split(annotations, ";") {
		if strings.TrimSpace(a) == "workspace" {
			return true
		}
	}
	return false
}

// vendorError says why a vendored build cannot be traced and what to do.
// The go command reads vendor/modules.txt from disk, not through
// -overlay, and since Go 1.23 it imports no vendored package missing from
// that file, so the lineage package cannot be slipped into vendor/.
func vendorError(setup *buildSetup) error {
	return fmt.Errorf("the build reads packages from %s (-mod=vendor), where the lineage package cannot be added: "+
		"the go command reads vendor/modules.txt from disk, not through -overlay. Add -mod=mod to the go command "+
		"(e.g. leakscope lineage build -- go test -mod=mod ./...): it takes the dependencies from the module cache "+
		"instead (go mod download fills it); vendor/ stays as it is", setup.vendorDir)
}

// buildFlags returns the go command's own flags in args (SUBCOMMAND
// ARGS...), up to -args or --, after which the flags are the program's.
// A program argument of go run that looks like -mod=... is taken as the
// go command's: rare enough not to parse every flag of every subcommand.
func buildFlags(args []string) []string {
	var flags []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" || a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		}
		// "-mod vendor": keep the value with its flag.
		if (a == "-mod" || a == "--mod") && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags
}

// flagValue returns the last value of -name in flags ("-name=v",
// "--name=v" or "-name v"), or "".
func flagValue(flags []string, name string) string {
	value := ""
	for i, f := range flags {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "-"), "-")
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			value = v
		} else if f == name && i+1 < len(flags) {
			value = flags[i+1]
		}
	}
	return value
}

// goLine returns the version of go.mod's go directive, or "".
func goLine(mod []byte) string {
	for _, line := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "go" {
			return f[1]
		}
	}
	return ""
}

// atLeast reports whether the Go version v ("1.21", "1.22.3", "1.23rc1")
// is major.minor or later.
func atLeast(v string, major, minor int) bool {
	maj, mnr, ok := majorMinor(v)
	return ok && (maj > major || maj == major && mnr >= minor)
}

// majorMinor returns the first two numbers of the Go version v; a missing
// minor number is 0.
func majorMinor(v string) (major, minor int, ok bool) {
	parts := strings.SplitN(v, ".", 3)
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return 0, 0, false
	}
	if len(parts) < 2 {
		return major, 0, true
	}
	digits := strings.IndexFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	if digits < 0 {
		digits = len(parts[1])
	}
	minor, err = strconv.Atoi(parts[1][:digits])
	return major, minor, err == nil
}

// goJSON runs goBin ARGS in dir with the environment env and decodes its
// JSON output into v.
func goJSON(goBin, dir string, env []string, v any, args ...string) error {
	cmd := exec.Command(goBin, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", goBin, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("%s %s: %w", goBin, strings.Join(args, " "), err)
	}
	return nil
}
