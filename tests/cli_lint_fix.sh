#!/bin/sh
# Tests of `leakscope lint --fix` and `--diff` (docs/lint.md, "Fixes") on a
# copy of tests/lint/fixdata, whose flagged lines say "fix" (--fix must
# rewrite them) or "nofix" (they must stay, and stay reported):
#  - --diff writes nothing, applies with `patch -p1` and `git apply`, and
#    equals what --fix writes; a warm-cache run prints the same diff;
#  - after --fix: gofmt -l is silent, go vet compiles the module, only the
#    "nofix" findings are left, a second --fix changes no byte, every line
#    removed was a "fix" line and every line added is the fix's own;
#  - suppressed findings are not fixed; a read-only file is an error (exit
#    2) while the other files are fixed; a CRLF file keeps CRLF; generated
#    files are left alone;
#  - exit status 0 once everything is fixed; bad flag combinations exit 2.
#
# usage: cli_lint_fix.sh LEAKSCOPE_BINARY SOURCE_DIR [GO_BINARY]
# Prints one line per failed check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source_dir=$(cd "$2" && pwd)
go=${3:-}
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_fix.XXXXXX") || exit 2
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 2
LEAKSCOPE_CACHE="$work/cache"
export LEAKSCOPE_CACHE

gofmt=
if [ -n "$go" ] && [ -x "$(dirname "$go")/gofmt" ]; then gofmt=$(dirname "$go")/gofmt; fi

# expect_same A B WHAT: the two files or trees are byte-identical.
expect_same() {
    if diff -r "$1" "$2" >"$work/diff.txt" 2>&1; then pass; else fail "$3: $(head -c 600 "$work/diff.txt")"; fi
}

cp -R "$source_dir/tests/lint/fixdata" orig || exit 2
cp -R orig fixed || exit 2
cp -R orig patched || exit 2

# ---- --diff -------------------------------------------------------------------
cd fixed || exit 2
run "$leakscope" lint --diff ./...
expect_status 1 "--diff with findings"
cp out.txt ../fix.diff
rm -f out.txt err.txt
expect_same . ../orig "--diff writes nothing"
run "$leakscope" lint --diff ./...
expect_same out.txt ../fix.diff "a warm-cache --diff prints the same diff"
rm -f out.txt err.txt
expect_match ../fix.diff '^--- a/ctx001/ctx001.go$' "diff header names a/PATH"
expect_match ../fix.diff '^\+\+\+ b/res002/res002.go$' "diff header names b/PATH"
expect_match ../fix.diff '^@@ -[0-9]+,[0-9]+ \+[0-9]+,[0-9]+ @@$' "hunk headers"

cd ../patched || exit 2
if patch -p1 -s <../fix.diff >../patch.out 2>&1; then pass; else fail "patch -p1 rejects the diff: $(head -c 400 ../patch.out)"; fi
if command -v git >/dev/null 2>&1; then
    mkdir ../gitapply && cp -R ../orig/. ../gitapply/ && (cd ../gitapply && git init -q . && git apply ../fix.diff) \
        >../gitapply.out 2>&1 && pass || fail "git apply rejects the diff: $(head -c 400 ../gitapply.out)"
fi

# ---- --fix --------------------------------------------------------------------
cd ../fixed || exit 2
run "$leakscope" lint --fix ./...
expect_status 1 "--fix leaves the nofix findings: exit 1"
expect_match err.txt 'fixed [0-9]+ findings in 4 files' "--fix says what it fixed"
cp out.txt ../left.txt
rm -f out.txt err.txt
expect_same . ../patched "--fix writes what --diff showed"

# only the nofix findings are left, each of them
grep -v '^	' ../left.txt | while IFS=: read -r file line rest; do
    sed -n "${line}p" "$file" | grep -q 'nofix' || echo "$file:$line:$rest"
done >../wrongly_left.txt
expect_empty ../wrongly_left.txt "findings left after --fix are all on nofix lines"
want_left=$(grep -r -c '// nofix' --include='*.go' . | awk -F: '{ s += $2 } END { print s }')
got_left=$(grep -c -v '^	' ../left.txt)
if [ "$want_left" -eq "$got_left" ]; then pass; else fail "findings left: $got_left, want $want_left (the nofix lines)"; fi

# only flagged lines change; what is added is the fix's own
(cd .. && diff -r orig fixed) >../changes.txt
grep '^<' ../changes.txt | grep -v '// fix' >../bad_removed.txt
expect_empty ../bad_removed.txt "every line --fix removed or changed was flagged (// fix)"
grep '^>' ../changes.txt |
    grep -v -E '// fix|^> +	*defer [A-Za-z0-9]+(\.Stop)?\(\)$|^> +	*"errors"$|^> import "errors"$' >../bad_added.txt
expect_empty ../bad_added.txt "every line --fix added is a defer, an import or a fixed line"
expect_match ctx001/ctx001.go 'ctx, _ := context.WithCancel\(parent\) //leakscope:ignore CTX001' "a suppressed finding is not fixed"
expect_match ctx001/ctx001.go 'ctx, cancelCtx := context.WithTimeout\(other, time.Second\)' "a taken name: cancelCtx"
expect_match ctx008/ctx008.go '^	"errors"$' "the errors import is added to the block"
expect_match ctx008single/single.go '^import "errors"$' "or as its own declaration"

if [ -n "$gofmt" ]; then
    "$gofmt" -l . >../gofmt.txt 2>&1
    expect_empty ../gofmt.txt "gofmt -l after --fix"
    (GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOCACHE="$work/gocache" "$go" vet -lostcancel=false ./... >../vet.txt 2>&1) &&
        pass || fail "go vet after --fix: $(head -c 600 ../vet.txt)"
else
    echo "note: go not found; gofmt and go vet checks skipped"
fi

# a second --fix changes nothing
cp -R . ../fixed_once
run "$leakscope" lint --fix ./...
expect_status 1 "second --fix: the same nofix findings"
expect_no_match err.txt 'fixed' "second --fix fixes nothing"
expect_same out.txt ../left.txt "second --fix reports the same findings"
rm -f out.txt err.txt
expect_same . ../fixed_once "second --fix leaves every byte"
run "$leakscope" lint --diff ./...
expect_empty out.txt "--diff after --fix is empty"
rm -f out.txt err.txt

# ---- a read-only file, exit codes ------------------------------------------------
cd "$work" || exit 2
mkdir -p ro/a ro/b
cp orig/ctx008single/single.go ro/a/a.go
sed 's/package ctx008single/package b/' orig/ctx008single/single.go >ro/b/b.go
cp ro/a/a.go ro/a.go.orig
chmod 444 ro/a/a.go
cd ro || exit 2
run "$leakscope" lint --fix ./...
expect_status 2 "--fix with a read-only file: exit 2"
expect_match err.txt 'a/a.go: cannot write the fixes: the file is read-only' "read-only: a clear error naming the file"
expect_same a/a.go a.go.orig "the read-only file is unchanged"
expect_match b/b.go 'errors.Is\(err, context.Canceled\)' "the other file is still fixed"
expect_match out.txt '^a/a.go:11:9: CTX008' "the unfixed finding is still reported"
chmod 644 a/a.go
run "$leakscope" lint --fix ./...
expect_status 0 "--fix that fixes everything: exit 0"
run "$leakscope" lint ./...
expect_status 0 "nothing left afterwards"

# ---- CRLF ------------------------------------------------------------------------------
cd "$work" && mkdir crlf && sed 's/$/\r/' orig/ctx001/ctx001.go >crlf/c.go && cd crlf || exit 2
run "$leakscope" lint --fix ./...
expect_match c.go "$(printf '^\tdefer cancel\\(\\)\r$')" "a CRLF file gets CRLF lines"
if grep -q "$(printf '[^\r]$')" c.go; then fail "a CRLF file got a bare LF line"; else pass; fi

# ---- a generated file is not fixed ---------------------------------------------------
cd "$work" && mkdir gen && { echo '// Code generated by hand for the test. DO NOT EDIT.'; echo; cat orig/ctx008single/single.go; } >gen/g.go &&
    cp gen/g.go gen.orig && cd gen || exit 2
run "$leakscope" lint --fix ./...
expect_status 1 "a generated file: its findings stay"
expect_match err.txt 'fix not applied: the file is generated' "a generated file: a note says why"
expect_same g.go ../gen.orig "a generated file is not changed"

# ---- flags ------------------------------------------------------------------------------
run "$leakscope" lint --fix --diff ./...
expect_status 2 "--fix with --diff"
run "$leakscope" lint --diff --format json ./...
expect_status 2 "--diff with --format json"
run "$leakscope" lint --help
expect_match out.txt '--fix' "--help documents --fix"

finish
