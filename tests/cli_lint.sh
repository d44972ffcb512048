#!/bin/sh
# Tests of `leakscope lint` as a program (docs/lint.md): patterns (./...
# skipping testdata, vendor, _x and .y; a directory; a file), --tests=false,
# bad patterns and unreadable files (exit 2, the rest still linted), paths
# relative to the working directory, --format json (parsed by python3),
# --enable/--disable/--list-rules, and the same output for -j1 and -j2.
#
# Which rules exist changes as they land, so the checks rely on syntax
# errors (reported whatever the rules) and on code no rule may flag; the
# checks that need a finding use CTX001 lost-cancel only when it exists.
#
# usage: cli_lint.sh LEAKSCOPE_BINARY SOURCE_DIR
# Prints one line per failed check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source_dir=$(cd "$2" && pwd)
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_lint.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
work=$(pwd -P)
cd "$work" || exit 2

# expect_json FILE PYTHON_EXPR WHAT: FILE parses as JSON and the expression
# (over the document `d`) is true.
expect_json() {
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>py.txt; then
        pass
    else
        fail "$3: $2 does not hold for $(head -c 800 "$1") $(cat py.txt)"
    fi
}

# ---- a tree where nothing is wrong, with bad files where lint must not look

mkdir -p tree/sub tree/testdata tree/vendor/v tree/_x tree/.y tree/sub/deeper
clean='package a

import "strings"

// Upper is correct code that no rule may flag.
func Upper(s string) string { return strings.ToUpper(s) }
'
broken='package broken

func f() {
	x := )
}
'
printf '%s' "$clean" >tree/a.go
printf '%s' "$clean" | sed 's/package a/package sub/' >tree/sub/b.go
printf '%s' "$clean" | sed 's/package a/package deeper/' >tree/sub/deeper/c.go
printf '%s' "$broken" >tree/testdata/bad.go
printf '%s' "$broken" >tree/vendor/v/bad.go
printf '%s' "$broken" >tree/_x/bad.go
printf '%s' "$broken" >tree/.y/bad.go
printf '%s' "$broken" >tree/_ignored.go
printf '%s' "$broken" | sed 's/package broken/package a_test/' >tree/a_test.go

cd tree
run "$leakscope" lint --tests=false ./...
expect_status 0 "./... with --tests=false skips testdata, vendor, _x, .y, _files and tests"
expect_empty out.txt "nothing is printed for clean code"
expect_empty err.txt "no errors when the bad files are skipped"

run "$leakscope" lint --tests=false
expect_status 0 "no pattern means ./..."

run "$leakscope" lint ./...
expect_status 2 "./... with tests: a_test.go has a syntax error"
expect_match err.txt '^a_test\.go:4:7: syntax error: expected operand' "the syntax error as PATH:LINE:COL, relative"
expect_no_match err.txt 'testdata|vendor|_x|\.y/|_ignored' "skipped directories stay skipped"
expect_empty out.txt "a syntax error is no finding"

run "$leakscope" lint --tests=true sub/...
expect_status 0 "sub/... (clean, recursive)"

run "$leakscope" lint testdata
expect_status 2 "a directory named explicitly is linted even if it is testdata"
expect_match err.txt '^testdata/bad\.go:4:7: syntax error: ' "the error names the file in testdata"

run "$leakscope" lint sub
expect_status 0 "a directory: its own files"

run "$leakscope" lint _x
expect_status 2 "_x named explicitly"

run "$leakscope" lint .
expect_status 2 "'.': a_test.go is in it"
run "$leakscope" lint --tests=false .
expect_status 0 "'.' with --tests=false"

run "$leakscope" lint a.go
expect_status 0 "a file"
run "$leakscope" lint testdata/bad.go
expect_status 2 "a file with a syntax error"
expect_match err.txt '^testdata/bad\.go:4:7: ' "the file's error"
run "$leakscope" lint "$work/tree/testdata/bad.go"
expect_status 2 "an absolute path"
expect_match err.txt '^testdata/bad\.go:4:7: ' "an absolute path is printed relative to the working directory"
run "$leakscope" lint ./testdata/../testdata//bad.go
expect_match err.txt '^testdata/\.\./testdata/bad\.go:4:7: ' "./ and // are cleaned"

run "$leakscope" lint nosuch/... sub testdata
expect_status 2 "a bad pattern"
expect_match err.txt 'nosuch/\.\.\.: .*No such file' "the bad pattern is named with the reason"
expect_match err.txt '^testdata/bad\.go:4:7: ' "the rest is still linted after a bad pattern"

run "$leakscope" lint README.txt
expect_status 2 "a file that is not .go"

mkdir -p ../empty
run "$leakscope" lint ../empty
expect_status 2 "a directory without Go files"
expect_match err.txt 'no Go files' "says there are no Go files"
run "$leakscope" lint ../empty/...
expect_status 0 "DIR/... that matches no Go files is a warning"
expect_match err.txt 'warning: .*matched no Go files' "the warning"

# an unreadable file (a dangling symlink; chmod does not stop root)
mkdir -p ../dangling
cp a.go ../dangling/a.go
ln -s nowhere.go ../dangling/gone.go
run "$leakscope" lint ../dangling
expect_status 2 "an unreadable file"
expect_match err.txt 'gone\.go: cannot read: No such file' "the unreadable file is named"
expect_no_match err.txt 'a\.go' "the readable file is linted without complaint"

# ---- flags

run "$leakscope" lint -h
expect_status 0 "-h"
expect_match out.txt '^usage: leakscope lint' "-h prints the usage"
run "$leakscope" lint --no-such-flag
expect_status 2 "an unknown flag"
run "$leakscope" lint --format xml
expect_status 2 "--format xml"
run "$leakscope" lint -j 0
expect_status 2 "-j 0"
run "$leakscope" lint --tests=maybe
expect_status 2 "--tests=maybe"
run "$leakscope" lint --enable NOSUCH1 a.go
expect_status 2 "--enable of an unknown rule"
expect_match err.txt "unknown rule 'NOSUCH1'" "the unknown rule is named"
run "$leakscope" lint --disable no-such-rule a.go
expect_status 2 "--disable of an unknown rule"
expect_match err.txt "unknown rule 'no-such-rule'" "the unknown name is named"
run "$leakscope" lint --list-rules
expect_status 0 "--list-rules"
expect_match out.txt '^ID +NAME +SEVERITY +SUMMARY' "--list-rules has a header"

# ---- JSON

run "$leakscope" lint --format json --tests=false ./...
expect_status 0 "--format json, clean"
expect_json out.txt 'd["version"] == 1 and d["tool"] == {"name": "leakscope", "version": "0.1.0"} and d["findings"] == [] and d["errors"] == []' "the empty document"

printf 'package p\n\nvar x = 1 `a\nb\x01\xff`\n' >../nl.go
run "$leakscope" lint --format json nosuch.go ../nl.go testdata/bad.go
expect_status 2 "--format json with errors"
expect_json out.txt 'd["findings"] == [] and [(e["kind"], e["path"], e["line"], e["column"]) for e in d["errors"]] == [("pattern", "nosuch.go", 0, 0), ("syntax", "../nl.go", 3, 11), ("syntax", "testdata/bad.go", 4, 7)]' "errors: pattern, then syntax errors in path order"
expect_json out.txt 'all(isinstance(e["message"], str) and e["message"] for e in d["errors"])' "every error has a message"

# ---- findings: only when CTX001 lost-cancel exists

if "$leakscope" lint --list-rules | grep -q '^CTX001 '; then
    mkdir -p ../leak
    cat >../leak/leak.go <<'GO'
package leak

import "context"

func Leak(parent context.Context) context.Context {
	ctx, _ := context.WithCancel(parent)
	return ctx
}

func Suppressed(parent context.Context) context.Context {
	ctx, _ := context.WithCancel(parent) //leakscope:ignore CTX001 the test wants it
	return ctx
}
GO
    cd ..
    run "$leakscope" lint leak/...
    expect_status 1 "a finding"
    expect_match out.txt '^leak/leak\.go:6:[0-9]+: CTX001 lost-cancel: ' "text: PATH:LINE:COL: ID NAME: MESSAGE"
    expect_no_match out.txt ':11:' "the suppressed finding is dropped"
    run "$leakscope" lint --disable lost-cancel leak/...
    expect_status 0 "--disable by name"
    run "$leakscope" lint --enable ctx001 leak/...
    expect_status 1 "--enable by lowercase ID"
    run "$leakscope" lint --format json leak
    expect_status 1 "a finding in JSON"
    expect_json out.txt 'len(d["findings"]) == 1 and d["findings"][0]["rule"] == "CTX001" and d["findings"][0]["name"] == "lost-cancel" and d["findings"][0]["severity"] in ("error", "warning") and d["findings"][0]["path"] == "leak/leak.go" and d["findings"][0]["line"] == 6 and d["findings"][0]["column"] > 0 and d["findings"][0]["offset"] > 0 and isinstance(d["findings"][0]["related"], list)' "the finding's JSON shape"
    cd tree
else
    echo "note: CTX001 is not in the registry; the finding checks were skipped"
fi

# ---- -j does not change the output

# on a copy of tests/lint: the rules' testdata (real findings, syntax errors)
cp -R "$source_dir/tests/lint" "$work/lintcopy" || exit 2
cd "$work/lintcopy" || exit 2
"$leakscope" lint -j 1 --format json ./... >"$work/j1.json" 2>"$work/j1.err"
s1=$?
"$leakscope" lint -j 2 --format json ./... >"$work/j2.json" 2>"$work/j2.err"
s2=$?
if [ "$s1" = "$s2" ] && cmp -s "$work/j1.json" "$work/j2.json" && cmp -s "$work/j1.err" "$work/j2.err"; then pass; else
    fail "-j1 and -j2 differ on tests/lint (status $s1 vs $s2)"
fi
"$leakscope" lint -j 2 testdata/... >"$work/t2.txt" 2>/dev/null
"$leakscope" lint -j 1 testdata/... >"$work/t1.txt" 2>/dev/null
if cmp -s "$work/t1.txt" "$work/t2.txt"; then pass; else fail "-j1 and -j2 text output differs"; fi
cd "$work" || exit 2
expect_json j1.json 'd["version"] == 1' "the JSON of a real tree parses"

finish
