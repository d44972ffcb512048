#!/bin/sh
# Smoke test of the leakscope program: version and help, exit statuses for
# usage errors, `parse` on good, bad and missing files, the canonical dump
# of the example in docs/ast-dump.md (byte for byte), and --stats.
#
# usage: cli_smoke.sh LEAKSCOPE_BINARY SOURCE_DIR
# Prints one line per failed check and a closing "N passed, N failed";
# exits 1 if any check failed.

set -u
# absolute paths: the checks run in a scratch directory
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source_dir=$(cd "$2" && pwd)
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_smoke.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

# ---- version, help, commands --------------------------------------------

run "$leakscope" --version
expect_status 0 "--version"
if [ "$(cat out.txt)" = "leakscope 0.1.0" ]; then pass; else
    fail "--version prints '$(cat out.txt)', want 'leakscope 0.1.0'"
fi

run "$leakscope" --help
expect_status 0 "--help"
expect_match out.txt '^  parse ' "--help lists parse"
expect_match out.txt '^  lint ' "--help lists lint"

run "$leakscope"
expect_status 2 "no command"

run "$leakscope" frobnicate
expect_status 2 "an unknown command"
expect_match err.txt 'frobnicate' "the unknown command is named"

run "$leakscope" probe
expect_status 2 "probe without a command or -p"

run "$leakscope" watch
expect_status 2 "watch without targets"
expect_match err.txt 'no targets' "watch without targets says what to give"

run "$leakscope" lint --help
expect_status 0 "lint --help (tests/cli_lint.sh tests lint)"

run "$leakscope" parse --help
expect_status 0 "parse --help"
expect_match out.txt 'dump-ast' "parse --help lists --dump-ast"

# ---- parse ----------------------------------------------------------------

printf 'package p\n\nfunc F(a, b int) int { return a + b }\n' >good.go
printf 'package p\n\nfunc f() {\n\tx := )\n}\n' >bad.go

run "$leakscope" parse good.go
expect_status 0 "parse of a good file"
expect_empty out.txt "parse of a good file prints nothing"
expect_empty err.txt "parse of a good file reports nothing"

run "$leakscope" parse bad.go
expect_status 2 "parse of a file with a syntax error"
expect_match err.txt '^bad\.go:4:7: .*expected' "the syntax error as FILE:LINE:COL: msg"

run "$leakscope" parse good.go bad.go
expect_status 2 "parse of a good and a bad file"

run "$leakscope" parse --dump-ast bad.go
expect_status 0 "--dump-ast of a file with a syntax error (errors are data)"
expect_match out.txt '^ERROR 4:7: ' "--dump-ast prints ERROR line:col"

run "$leakscope" parse nosuch.go
expect_status 2 "parse of a missing file"
expect_match err.txt 'nosuch\.go' "the missing path is named"

run "$leakscope" parse -j 0 good.go
expect_status 2 "parse -j 0 (a usage error)"

run "$leakscope" parse --no-such-flag good.go
expect_status 2 "parse with an unknown flag"

run "$leakscope" parse --stats good.go
expect_status 0 "parse --stats"
expect_match err.txt 'files=1 .*bytes=[0-9]+ .*MBps=[0-9.]+' "--stats prints files= bytes= MBps="

printf 'good.go\n' >list.txt
run "$leakscope" parse --files-from list.txt
expect_status 0 "parse --files-from"

mkdir -p tree/sub
cp good.go tree/a.go
cp bad.go tree/sub/b.go
run "$leakscope" parse -q tree/...
expect_status 2 "parse of a directory holding a bad file"
expect_empty err.txt "parse -q prints no syntax errors"

# ---- the example of docs/ast-dump.md, byte for byte -----------------------

# The example is the indented block after "## Example" (the source) and
# the one after "dumps as" (the dump); blank lines inside blocks are kept.
awk -v src=p.go -v dump=want.txt '
    /^## Example/ { part = 1; next }
    part && /^dumps as/ { part = 2; next }
    part && /^    / { line = substr($0, 5); out = part == 1 ? src : dump
                      if (pending[part] != "") printf "%s", pending[part] > out
                      pending[part] = ""; print line > out; seen[part] = 1; next }
    part && /^$/ { if (seen[part]) pending[part] = pending[part] "\n"; next }
    part == 2 && seen[2] { exit }
' "$source_dir/docs/ast-dump.md"

if [ -s p.go ] && [ -s want.txt ]; then
    pass
    run "$leakscope" parse --dump-ast p.go
    expect_status 0 "--dump-ast of the spec example"
    if cmp -s out.txt want.txt; then pass; else
        fail "--dump-ast of the docs/ast-dump.md example differs:
$(diff want.txt out.txt | head -20)"
    fi
else
    fail "cannot find the example in $source_dir/docs/ast-dump.md"
fi

finish
