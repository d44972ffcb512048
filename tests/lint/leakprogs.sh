#!/bin/sh
# The dynamic proof of the goroutine-leak rules (docs/lint.md, "Dynamic
# proof"): every case directory tests/lint/leakprogs/<ID>_<case>/ holds
# leak/main.go, a program whose flagged function really leaks, and
# fixed/main.go, the same program fixed.  Each program calls the function,
# lets it return, waits, runs the GC and prints one line `leaked=N` (the
# goroutines alive minus those before the call).  For every case this
# script checks that
#
#  - both programs build and run with `go run`, exit 0 and print exactly
#    one line leaked=N: N > 0 for leak, N = 0 for fixed;
#  - `leakscope lint --enable <ID>` reports <ID> in leak/main.go and
#    nothing in fixed/main.go;
#  - both files are gofmt-clean;
#  - when `leakscope lint --help` offers --fix (the fix engine; until it
#    exists this check is skipped, saying so): --fix applied to a copy of
#    leak/main.go either changes nothing (the rule or case has no
#    mechanical fix, and fixed/main.go is written by hand) or produces
#    exactly fixed/main.go.
#
# Case directories are found by name (<ID>_<case>, ID = what comes before
# the first underscore), so a rule's cases are picked up by adding them;
# each rule that has cases needs at least two.
#
# usage: leakprogs.sh LEAKSCOPE_BINARY SOURCE_DIR [GO]
# Exits 77 (skipped) when go is not available; prints one line per failed
# check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source_dir=$(cd "$2" && pwd)
go=${3:-go}
. "$source_dir/tests/lib.sh"

if ! command -v "$go" >/dev/null 2>&1; then
    echo "leakprogs: skipped: go was not found when CMake configured this build; install Go (go.dev/dl), put it on PATH and re-run cmake"
    exit 77
fi
gofmt=$(dirname "$(command -v "$go")")/gofmt
[ -x "$gofmt" ] || gofmt=gofmt

progs=$source_dir/tests/lint/leakprogs
work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_leakprogs.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
# The module asks for go 1.22: never download a toolchain for it.
GOTOOLCHAIN=local
export GOTOOLCHAIN

has_fix=false
if "$leakscope" lint --help 2>&1 | grep -q -- '--fix'; then
    has_fix=true
else
    echo "note: leakscope lint has no --fix yet: the fixed forms are not compared with its output"
fi

# run_prog CASE FORM: runs CASE/FORM with go run; sets $leaked (empty when
# the output is not exactly one line leaked=N).
run_prog() {
    leaked=
    (cd "$progs" && "$go" run "./$1/$2") >"$work/out" 2>"$work/err"
    st=$?
    if [ "$st" -ne 0 ]; then
        fail "$1/$2: go run exited $st: $(head -c 500 "$work/err")"
        return
    fi
    if [ "$(wc -l <"$work/out")" -ne 1 ] || ! grep -Eq '^leaked=-?[0-9]+$' "$work/out"; then
        fail "$1/$2: the output is not one line leaked=N: $(head -c 300 "$work/out")"
        return
    fi
    leaked=$(sed 's/^leaked=//' "$work/out")
}

# lint_prog CASE FORM ID: lints CASE/FORM/main.go with only rule ID; sets
# $found to yes or no (empty on a usage or internal error).
lint_prog() {
    found=
    "$leakscope" lint --no-cache --no-config --enable "$3" "$progs/$1/$2/main.go" >"$work/lint" 2>"$work/lint.err"
    st=$?
    case $st in
    0) found=no ;;
    1) if grep -q " $3 " "$work/lint"; then found=yes; else found=no; fi ;;
    *) fail "$1/$2: leakscope lint exited $st: $(head -c 500 "$work/lint.err")" ;;
    esac
}

# check_fix CASE ID: --fix on a copy of leak/main.go gives fixed/main.go,
# or changes nothing.
check_fix() {
    mkdir -p "$work/fix/$1" || exit 2
    copy=$work/fix/$1/main.go
    cp "$progs/$1/leak/main.go" "$copy" || exit 2
    "$leakscope" lint --no-cache --no-config --enable "$2" --fix "$copy" >"$work/fix.out" 2>"$work/fix.err"
    st=$?
    if [ "$st" -gt 1 ]; then
        fail "$1: leakscope lint --fix exited $st: $(head -c 500 "$work/fix.err")"
    elif cmp -s "$copy" "$progs/$1/leak/main.go"; then
        echo "note: $1: --fix changes nothing in leak/main.go (no mechanical fix; fixed/main.go is by hand)"
        pass
    elif diff -u "$progs/$1/fixed/main.go" "$copy" >"$work/fix.diff"; then
        pass
    else
        fail "$1: --fix does not produce fixed/main.go: $(head -c 1500 "$work/fix.diff")"
    fi
}

ids=
for dir in "$progs"/*_*/; do
    [ -d "$dir" ] || continue
    case_name=$(basename "$dir")
    id=${case_name%%_*}
    ids="$ids $id"
    if [ ! -f "$dir/leak/main.go" ] || [ ! -f "$dir/fixed/main.go" ]; then
        fail "$case_name: needs leak/main.go and fixed/main.go"
        continue
    fi
    run_prog "$case_name" leak
    if [ -n "$leaked" ]; then
        if [ "$leaked" -gt 0 ]; then pass; else fail "$case_name/leak: leaked=$leaked, want > 0"; fi
    fi
    run_prog "$case_name" fixed
    if [ -n "$leaked" ]; then
        if [ "$leaked" -eq 0 ]; then pass; else fail "$case_name/fixed: leaked=$leaked, want 0"; fi
    fi
    lint_prog "$case_name" leak "$id"
    if [ "$found" = yes ]; then pass; elif [ "$found" = no ]; then
        fail "$case_name/leak: leakscope lint does not report $id in main.go"
    fi
    lint_prog "$case_name" fixed "$id"
    if [ "$found" = no ]; then pass; elif [ "$found" = yes ]; then
        fail "$case_name/fixed: leakscope lint reports $id in main.go: $(head -c 500 "$work/lint")"
    fi
    unformatted=$("$gofmt" -l "$dir/leak/main.go" "$dir/fixed/main.go" 2>&1)
    if [ -z "$unformatted" ]; then pass; else fail "$case_name: not gofmt-clean: $unformatted"; fi
    if $has_fix; then
        check_fix "$case_name" "$id"
    fi
done

if [ -z "$ids" ]; then
    fail "no case directories <ID>_<case> in $progs"
fi
for id in $(echo "$ids" | tr ' ' '\n' | sort -u); do
    n=$(echo "$ids" | tr ' ' '\n' | grep -cx "$id")
    if [ "$n" -ge 2 ]; then pass; else fail "$id has $n case directory; each rule needs at least 2"; fi
done

finish
