#!/bin/sh
# Tests of leakscope as a go vet tool (docs/lint.md, "Running under go
# vet"): the -V=full and -flags handshakes, `go vet -vettool=leakscope` on
# small modules (a finding in a package, in its _test.go files and in an
# external test package, each reported once, exit status 1; a clean module,
# exit status 0; rule flags; -json; the same result from go's cache), and
# the tool run by hand on a vet.cfg (text output on stderr, the facts file,
# VetxOnly, GoVersion, bad configs and flags).
#
# go vet runs with GOCACHE in a fresh temporary directory, offline.
#
# usage: cli_vettool.sh LEAKSCOPE_BINARY GO_BINARY
# Prints one line per failed check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
go=$2
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_vettool.XXXXXX") || exit 2
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 2
work=$(pwd -P)

export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS= GOPROXY=off GOWORK=off GOTOOLCHAIN=local GO111MODULE=on

run() {
    "$@" >"$work/out.txt" 2>"$work/err.txt"
    status=$?
}
expect_status() {
    if [ "$status" -eq "$1" ]; then pass; else
        fail "$2: exit status $status, want $1; stderr: $(head -c 800 "$work/err.txt")"
    fi
}
# FILE arguments are relative to $work
at() { case $1 in /*) echo "$1" ;; *) echo "$work/$1" ;; esac; }
# expect_grep FILE EXTENDED_REGEXP WHAT
expect_grep() {
    set -- "$(at "$1")" "$2" "$3"
    if grep -Eq -- "$2" "$1"; then pass; else fail "$3: no line matches '$2' in: $(head -c 800 "$1")"; fi
}
expect_no_grep() {
    set -- "$(at "$1")" "$2" "$3"
    if grep -Eq -- "$2" "$1"; then fail "$3: a line matches '$2': $(grep -E -- "$2" "$1" | head -3)"; else pass; fi
}
# expect_count FILE EXTENDED_REGEXP N WHAT
expect_count() {
    set -- "$(at "$1")" "$2" "$3" "$4"
    n=$(grep -Ec -- "$2" "$1")
    if [ "$n" -eq "$3" ]; then pass; else fail "$4: $n lines match '$2', want $3: $(head -c 800 "$1")"; fi
}
# expect_py FILE PYTHON_EXPRESSION_OF_doc WHAT
expect_py() {
    set -- "$(at "$1")" "$2" "$3"
    if python3 -c "import json,sys; doc=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>"$work/py.txt"; then
        pass
    else
        fail "$3: $2 does not hold for $(head -c 800 "$1") $(cat "$work/py.txt")"
    fi
}

# ---- the handshakes -----------------------------------------------------------------

run "$leakscope" -V=full
expect_status 0 "-V=full"
expect_grep out.txt '^leakscope version devel leakscope-[0-9][0-9.]* buildID=[0-9a-f]{16}$' "-V=full"
expect_count out.txt '.' 1 "-V=full prints one line"
cp out.txt version1.txt
run "$leakscope" -V=full
if cmp -s out.txt version1.txt; then pass; else fail "-V=full differs between two runs"; fi
run "$leakscope" -V=short
expect_status 2 "-V=short"
expect_grep err.txt 'V=full' "-V=short names -V=full"

run "$leakscope" -flags
expect_status 0 "-flags"
expect_py out.txt 'isinstance(doc, list) and all(set(f) == {"Name", "Bool", "Usage"} for f in doc)' "-flags: a list of {Name, Bool, Usage}"
expect_py out.txt 'any(f["Name"] == "CTX001" and f["Bool"] is True and "lost-cancel" in f["Usage"] for f in doc)' "-flags: CTX001"
expect_py out.txt 'any(f["Name"] == "json" and f["Bool"] is True for f in doc)' "-flags: json"

# ---- go vet on a module with findings -------------------------------------------------

mkdir -p bad/sub bad/testdata && cd bad || exit 2
printf 'module example.com/bad\n\ngo 1.22\n' >go.mod
cat >bad.go <<'EOF'
package bad

import (
	"context"
	"fmt"
)

// Leak loses the cancel function.
func Leak() {
	ctx, _ := context.WithCancel(context.Background())
	fmt.Println(ctx)
}
EOF
cat >bad_test.go <<'EOF'
package bad

import (
	"context"
	"testing"
	"time"
)

func TestLeak(t *testing.T) {
	ctx, _ := context.WithTimeout(context.Background(), time.Second)
	_ = ctx
}
EOF
cat >ext_test.go <<'EOF'
package bad_test

import (
	"context"
	"testing"
)

func TestExternal(t *testing.T) {
	ctx, _ := context.WithCancel(context.Background())
	_ = ctx
}
EOF
cat >sub/sub.go <<'EOF'
package sub

import "context"

// Good cancels what it creates.
func Good(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	return context.WithoutCancel(ctx)
}
EOF
cat >testdata/ignored.go <<'EOF'
package ignored

import "context"

func F() { ctx, _ := context.WithCancel(context.Background()); _ = ctx }
EOF

run "$go" vet -vettool="$leakscope" ./...
expect_status 1 "go vet on a module with findings (cold cache)"
expect_grep err.txt '^bad\.go:10:12: CTX001 lost-cancel: ' "go vet: finding in bad.go"
expect_grep err.txt '^bad_test\.go:10:12: CTX001 lost-cancel: ' "go vet: finding in a _test.go file"
expect_grep err.txt '^ext_test\.go:9:12: CTX001 lost-cancel: ' "go vet: finding in an external test package"
expect_count err.txt 'CTX001' 3 "go vet: each finding once"
expect_no_grep err.txt 'sub\.go|ignored\.go' "go vet: nothing in clean code or testdata"
cp "$work/err.txt" "$work/cold.txt"

run "$go" vet -vettool="$leakscope" ./...
expect_status 1 "go vet again (results from go's cache)"
# (go vet prints packages in the order they finish)
sort "$work/err.txt" >"$work/warm.sorted"
sort "$work/cold.txt" >"$work/cold.sorted"
if cmp -s "$work/warm.sorted" "$work/cold.sorted"; then pass; else fail "go vet from cache differs: $(head -c 800 "$work/err.txt")"; fi

run "$go" vet -vettool="$leakscope" ./sub
expect_status 0 "go vet on the clean package"

run "$go" vet -vettool="$leakscope" -CTX001=false ./...
expect_status 0 "go vet -CTX001=false"
expect_no_grep err.txt 'CTX001' "go vet -CTX001=false"

run "$go" vet -vettool="$leakscope" -CTX002 ./...
expect_status 0 "go vet -CTX002 (only CTX002)"

run "$go" vet -vettool="$leakscope" -CTX001 -CTX002 ./...
expect_status 1 "go vet -CTX001 -CTX002"
expect_count err.txt 'CTX001' 3 "go vet -CTX001 -CTX002"

run "$go" vet -vettool="$leakscope" -json ./...
expect_status 0 "go vet -json"
# go vet -json prints one JSON object per package
python3 - "$work/out.txt" >"$work/py.txt" 2>&1 <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
dec, i, found = json.JSONDecoder(), 0, {}
while True:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text):
        break
    doc, i = dec.raw_decode(text, i)
    for pkg, rules in doc.items():
        for rule, diags in rules.items():
            for d in diags:
                found.setdefault(pkg, []).append((rule, d["posn"].rsplit("/", 1)[-1], d["message"].split(":")[0]))
want = {
    "example.com/bad": [("CTX001", "bad.go:10:12", "CTX001 lost-cancel"),
                        ("CTX001", "bad_test.go:10:12", "CTX001 lost-cancel")],
    "example.com/bad_test": [("CTX001", "ext_test.go:9:12", "CTX001 lost-cancel")],
}
got = {k: sorted(v) for k, v in found.items()}
if got != want:
    print("got", got)
    sys.exit(1)
EOF
if [ $? -eq 0 ]; then pass; else fail "go vet -json: $(cat "$work/py.txt") in $(head -c 800 "$work/out.txt")"; fi
cd "$work" || exit 2

# ---- a cgo package: go vet names cgo's generated files; x.go is linted ------------------

if [ "$("$go" env CGO_ENABLED)" = 1 ] && command -v "$("$go" env CC)" >/dev/null 2>&1; then
    mkdir cgo && cd cgo || exit 2
    printf 'module example.com/cgo\n\ngo 1.22\n' >go.mod
    cat >x.go <<'EOF'
package cgo

// static int one(void) { return 1; }
import "C"

import "context"

// One calls C.
func One() int {
	ctx, _ := context.WithCancel(context.Background())
	_ = ctx
	return int(C.one())
}
EOF
    run "$go" vet -vettool="$leakscope" ./...
    expect_status 1 "go vet on a cgo package"
    expect_grep err.txt '^x\.go:10:12: CTX001 lost-cancel: ' "go vet on a cgo package: finding in x.go"
    expect_count err.txt 'CTX001' 1 "go vet on a cgo package: once, not in generated files"
    cd "$work" || exit 2
else
    echo "note: cgo is not available (CGO_ENABLED or no C compiler); the cgo check is skipped"
fi

# ---- go vet on a clean module ----------------------------------------------------------------

mkdir clean && cd clean || exit 2
printf 'module example.com/clean\n\ngo 1.22\n' >go.mod
cat >clean.go <<'EOF'
package clean

import (
	"context"
	"time"
)

// Wait waits for d or until ctx ends.
func Wait(ctx context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	<-ctx.Done()
	return ctx.Err()
}
EOF
run "$go" vet -vettool="$leakscope" ./...
expect_status 0 "go vet on a clean module"
expect_no_grep err.txt 'CTX|RES' "go vet on a clean module"
cd "$work" || exit 2

# ---- the tool run by hand on a vet.cfg --------------------------------------------------------

# cfg FILE VETXONLY GOVERSION GOFILES_JSON
cfg() {
    cat >"$1" <<EOF
{
	"ID": "example.com/bad",
	"Compiler": "gc",
	"Dir": "$work/bad",
	"ImportPath": "example.com/bad",
	"GoFiles": $4,
	"NonGoFiles": null,
	"ImportMap": {"context": "context", "fmt": "fmt"},
	"PackageFile": {},
	"Standard": {"context": true, "fmt": true},
	"PackageVetx": {},
	"VetxOnly": $2,
	"VetxOutput": "$work/vet.out",
	"GoVersion": "$3",
	"SucceedOnTypecheckFailure": false
}
EOF
}

cfg pkg.cfg false go1.22 "[\"$work/bad/bad.go\", \"bad_test.go\"]"
rm -f vet.out
run "$leakscope" "$work/pkg.cfg"
expect_status 1 "vet.cfg by hand: findings"
expect_grep err.txt "^$work/bad/bad\\.go:10:12: CTX001 lost-cancel: " "vet.cfg by hand: absolute path in GoFiles"
expect_grep err.txt "^$work/bad/bad_test\\.go:10:12: CTX001 lost-cancel: " "vet.cfg by hand: path relative to Dir"
if [ -f vet.out ] && [ ! -s vet.out ]; then pass; else fail "vet.cfg by hand: VetxOutput not written (empty)"; fi

run "$leakscope" -CTX001=false "$work/pkg.cfg"
expect_status 0 "vet.cfg by hand with -CTX001=false"

cfg only.cfg true go1.22 "[\"$work/bad/bad.go\"]"
rm -f vet.out
run "$leakscope" "$work/only.cfg"
expect_status 0 "vet.cfg VetxOnly"
if [ ! -s err.txt ] && [ ! -s out.txt ]; then pass; else fail "vet.cfg VetxOnly printed: $(head -c 300 err.txt out.txt)"; fi
if [ -f vet.out ]; then pass; else fail "vet.cfg VetxOnly: VetxOutput not written"; fi

# GoVersion ("go1.24.1") wins over go.mod (go 1.22); without it, go.mod
# counts.  RES002 says more about time.Tick before Go 1.23.
mkdir tick
printf 'module example.com/tick\n\ngo 1.22\n' >tick/go.mod
cat >tick/tick.go <<'EOF'
package tick

import "time"

// Poll polls until f reports done (the loop can end: the ticker stays).
func Poll(f func() bool) {
	for range time.Tick(time.Second) {
		if f() {
			return
		}
	}
}
EOF
cfg tick.cfg false go1.24.1 "[\"$work/tick/tick.go\"]"
run "$leakscope" "$work/tick.cfg"
expect_status 1 "vet.cfg with GoVersion go1.24.1"
expect_grep err.txt 'tick\.go:7:12: RES002 timer-not-stopped: ' "vet.cfg with GoVersion go1.24.1"
expect_no_grep err.txt 'before Go 1\.23' "vet.cfg with GoVersion go1.24.1 over go.mod's go 1.22"
cfg tick.cfg false "" "[\"$work/tick/tick.go\"]"
run "$leakscope" "$work/tick.cfg"
expect_grep err.txt 'tick\.go:7:12: RES002 timer-not-stopped: .*before Go 1\.23' "vet.cfg without GoVersion: go.mod's go 1.22"

printf 'not json' >junk.cfg
run "$leakscope" "$work/junk.cfg"
expect_status 2 "a .cfg that is not JSON"
expect_grep err.txt 'junk\.cfg: not a go vet config' "a .cfg that is not JSON"

run "$leakscope" "$work/missing.cfg"
expect_status 2 "a missing .cfg"
expect_grep err.txt 'missing\.cfg: cannot read the go vet config' "a missing .cfg"

printf '{"ImportPath": "x", "GoFiles": []}' >empty.cfg
run "$leakscope" "$work/empty.cfg"
expect_status 2 "a .cfg without files"
expect_grep err.txt 'package has no Go files' "a .cfg without files"

printf '{"ImportPath": "x", "GoFiles": "a.go"}' >type.cfg
run "$leakscope" "$work/type.cfg"
expect_status 2 "a .cfg with GoFiles not a list"
expect_grep err.txt 'GoFiles has the wrong type' "a .cfg with GoFiles not a list"

run "$leakscope" -nosuchflag "$work/pkg.cfg"
expect_status 2 "an unknown flag"
expect_grep err.txt 'unknown flag -nosuchflag' "an unknown flag"

cfg gone.cfg false go1.22 "[\"$work/bad/gone.go\"]"
run "$leakscope" "$work/gone.cfg"
expect_status 2 "a GoFile that does not exist"
expect_grep err.txt 'gone\.go: cannot read' "a GoFile that does not exist"

# -json without a Stdout file: JSON on stdout, related positions included
cat >"$work/tick/early.go" <<'EOF'
package tick

import (
	"context"
	"errors"
)

// Early returns before cancelling.
func Early(fail bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	if fail {
		return errors.New("fail")
	}
	defer cancel()
	_ = ctx
	return nil
}
EOF
cfg early.cfg false go1.22 "[\"$work/tick/early.go\"]"
run "$leakscope" -json -RES002=false "$work/early.cfg"
expect_status 0 "vet.cfg by hand with -json"
expect_py out.txt 'list(doc) == ["example.com/bad"] and [(d["posn"].rsplit("/", 1)[-1], d["related"][0]["posn"].rsplit("/", 1)[-1], d["related"][0]["message"]) for d in doc["example.com/bad"]["CTX001"]] == [("early.go:10:17", "early.go:12:3", "this return is reached without calling cancel")]' "vet.cfg by hand with -json"
cfg tick.cfg false go1.22 "[\"$work/tick/tick.go\"]"
run "$leakscope" -json -CTX001 "$work/tick.cfg"
expect_status 0 "vet.cfg by hand with -json and no findings"
expect_py out.txt 'doc == {}' "vet.cfg by hand with -json and no findings"

# the subcommands are unaffected
run "$leakscope" lint "$work/bad/sub"
expect_status 0 "leakscope lint still runs"

finish
