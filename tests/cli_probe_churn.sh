#!/bin/sh
# Churn (docs/probe.md): tests/probe/testdata/churn starts and ends N
# goroutines (default 1,000,000; LEAKSCOPE_PROBE_CHURN_N to change) under
# `leakscope probe --max-leaked 0`; the probe must count every creation
# and exit (or report exactly what it lost), end with 0 goroutines of the
# program alive, and leave the program's output unchanged in shape.
# Slow where uprobe traps are expensive (label "slow"); skipped (77) with
# the reason without root or BTF.
#
# usage: cli_probe_churn.sh LEAKSCOPE_BINARY SOURCE_DIR GO_BINARY

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
go=$3
n=${LEAKSCOPE_PROBE_CHURN_N:-1000000}
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: not root: leakscope probe needs root or CAP_BPF and CAP_PERFMON"
    exit 77
fi
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: the kernel has no BTF (/sys/kernel/btf/vmlinux)"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_probe_churn.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cp "$src/tests/probe/testdata/churn/go.mod" "$src/tests/probe/testdata/churn/main.go" "$work"/
cd "$work" || exit 2
GOFLAGS= GOWORK=off GOTOOLCHAIN=local "$go" build -o churn . || exit 2

run "$leakscope" probe --max-leaked 0 -- ./churn -n "$n"
expect_status 0 "churn of $n goroutines: --max-leaked 0"
expect_match out.txt "^started and ended $n goroutines in " "the program's output"
expect_match err.txt ": 0 goroutines alive at its exit" "no goroutine of the program alive"
created=$(sed -n 's/.* created \([0-9]*\),.*/\1/p' err.txt)
ended=$(sed -n 's/.*, ended \([0-9]*\),.*/\1/p' err.txt)
lost=$(sed -n 's/.*events lost (ring buffer full) \([0-9]*\), records lost (map full) \([0-9]*\), unreadable g \([0-9]*\).*/\1 \2 \3/p' err.txt)
# the runtime's few goroutines are created but never end
if [ "${created:-0}" -ge "$n" ] && [ "${ended:-0}" -eq "$n" ]; then pass; else
    fail "created ${created:-?} (want >= $n), ended ${ended:-?} (want $n): $(tail -2 err.txt)"
fi
if [ "$lost" = "0 0 0" ]; then pass; else
    echo "note: the probe reported losses (ring buffer, map, unreadable g): $lost"
    pass # losses are allowed when reported; the live count above stays exact
fi
finish
