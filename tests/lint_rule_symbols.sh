#!/bin/sh
# Every rule file src/lint/rules/<id>_<name>.c defines exactly one public
# symbol, `lint_rule_<id>` (docs/lint.md, "Writing rules"): helpers are
# static, so rules written in parallel never clash at link time.
#
# usage: lint_rule_symbols.sh LIBLEAKSCOPE_ARCHIVE
# Checks the archive's rule objects with nm; prints "N passed, N failed".

set -u
command -v nm >/dev/null 2>&1 || { echo "nm not found (binutils)"; echo "0 passed, 1 failed"; exit 1; }
passed=0
failed=0
out=$(mktemp "${TMPDIR:-/tmp}/leakscope_syms.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT
nm -g --defined-only "$1" >"$out" 2>/dev/null || { echo "nm $1 failed"; echo "0 passed, 1 failed"; exit 1; }
obj=""
bad=""
while IFS= read -r line; do
    case $line in
    *.o:)
        obj=${line%:}
        ;;
    "")
        ;;
    *)
        base=${obj##*/}
        case $base in
        [a-z]*[0-9][0-9][0-9]_*.c.o) ;;
        *) continue ;;
        esac
        # only objects compiled from src/lint/rules have names like ctx001_x.c.o
        id=${base%%_*}
        sym=${line##* }
        case $sym in
        __odr_asan*|__asan*|__ubsan*|__sancov*|__llvm*) continue ;; # sanitizer and coverage instrumentation
        esac
        if [ "$sym" = "lint_rule_$id" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL: $base defines public symbol '$sym'; a rule file defines only lint_rule_$id (make helpers static)"
        fi
        ;;
    esac
done <"$out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
