#!/usr/bin/env bash
# The full test run, as CI runs it (README.md "All tests"):
#
#   (a) release build in ./build, then ctest;
#   (b) gcc ASan+UBSan build in ./build-asan (-DLEAKSCOPE_SANITIZE=ON), then
#       ctest with leak detection on;
#   (c) clang libFuzzer build in ./build-fuzz (-DLEAKSCOPE_FUZZ=ON), then
#       the fuzz_go_parse target for $LEAKSCOPE_FUZZ_SECONDS seconds
#       (default 60) on a copy of tests/fuzz/corpus/go_parse;
#   (d) the fuzz_gobin target (Go binary reader) for
#       $LEAKSCOPE_FUZZ_GOBIN_SECONDS seconds (default 30) on seeds built
#       from tests/probe/testdata/leaky.
#
# Stops at the first failure.  Needs what scripts/setup.sh installs.
#
#   bash scripts/test.sh
#   LEAKSCOPE_FUZZ_SECONDS=300 bash scripts/test.sh    # fuzz longer
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fuzz_seconds=${LEAKSCOPE_FUZZ_SECONDS:-60}
gobin_seconds=${LEAKSCOPE_FUZZ_GOBIN_SECONDS:-30}
[[ $fuzz_seconds =~ ^[0-9]+$ && $fuzz_seconds -gt 0 ]] ||
    { echo "test: LEAKSCOPE_FUZZ_SECONDS must be a positive number of seconds, not '$fuzz_seconds'" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)

# The differential test needs go; it may live in /usr/local/go/bin only.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi

stage() { printf '\n==== %s ====\n' "$*"; }
start=$SECONDS
summary=()

# Runs ctest in $1 and remembers its totals line for the summary.
run_ctest() {
    local dir=$1 log="$1/ctest.log"
    ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" 2>&1 | tee "$log"
    # (pipefail: a failing ctest has already stopped the script here)
    summary+=("$dir: $(grep -E 'tests passed' "$log" | tail -n 1)")
}

stage "(a) release build (./build) and ctest"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEAKSCOPE_PGO=
cmake --build build
run_ctest build

stage "(b) ASan+UBSan build (./build-asan, gcc) and ctest"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CC=gcc cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEAKSCOPE_SANITIZE=ON
cmake --build build-asan
run_ctest build-asan

stage "(c) libFuzzer build (./build-fuzz, clang) and ${fuzz_seconds}s of fuzz_go_parse"
CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEAKSCOPE_FUZZ=ON
cmake --build build-fuzz --target fuzz_go_parse
# Fuzz a copy: libFuzzer adds every new interesting input to its corpus
# directory, and the committed seeds must stay as they are.
corpus=build-fuzz/corpus/go_parse
artifacts=build-fuzz/artifacts/
rm -rf "$corpus" "$artifacts"
mkdir -p "$corpus" "$artifacts"
cp tests/fuzz/corpus/go_parse/* "$corpus"/
seeds=$(ls "$corpus" | wc -l)
fuzz_log=build-fuzz/fuzz.log
# The full log is in $fuzz_log; the terminal gets it without the NEW/REDUCE
# lines of corpus growth and the entries of libFuzzer's recommended dictionary.
if ! build-fuzz/tests/fuzz/fuzz_go_parse \
    -dict=tests/fuzz/go.dict \
    -max_len=65536 \
    -rss_limit_mb=2048 \
    -timeout=30 \
    -max_total_time="$fuzz_seconds" \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts" \
    "$corpus" 2>&1 | tee "$fuzz_log" | { grep --line-buffered -vE '^#[0-9]+.*(NEW|REDUCE)|# Uses: [0-9]+$' || true; }; then
    echo
    echo "test: fuzz_go_parse failed (crash, leak, UB, timeout or OOM); reproducer(s):" >&2
    ls -l "$artifacts" >&2 || true
    echo "rerun one with: build-fuzz/tests/fuzz/fuzz_go_parse ${artifacts}FILE" >&2
    exit 1
fi
runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$fuzz_log" | grep -oE '[0-9]+$' || echo '?')
summary+=("build-fuzz: fuzz_go_parse ran $runs inputs in ${fuzz_seconds}s from $seeds seeds, corpus now $(ls "$corpus" | wc -l) files, no crash")

stage "(d) ${gobin_seconds}s of fuzz_gobin (the Go binary reader of leakscope probe)"
# Seeds: a Go program built here, stripped (functions from the pclntab)
# and not, as whole ELF files (first byte 1) and its bare .gopclntab
# (first byte 0); megabytes, so made fresh rather than committed.
cmake --build build-fuzz --target fuzz_gobin
corpus=build-fuzz/corpus/gobin
rm -rf "$corpus" "$artifacts" && mkdir -p "$corpus" "$artifacts"
seedwork=$(mktemp -d)
cp tests/probe/testdata/leaky/go.mod tests/probe/testdata/leaky/main.go "$seedwork"/
(cd "$seedwork" && GOFLAGS= GOTOOLCHAIN=local go build -o plain . && GOFLAGS= GOTOOLCHAIN=local go build -ldflags='-s -w' -o stripped .)
for b in plain stripped; do
    { printf '\001'; cat "$seedwork/$b"; } >"$corpus/elf_$b"
done
objcopy -O binary --only-section=.gopclntab "$seedwork/stripped" "$seedwork/pclntab"
{ printf '\000'; cat "$seedwork/pclntab"; } >"$corpus/pclntab"
rm -rf "$seedwork"
fuzz_log=build-fuzz/fuzz_gobin.log
if ! build-fuzz/tests/fuzz/fuzz_gobin \
    -max_len=4194304 \
    -rss_limit_mb=2048 \
    -timeout=30 \
    -max_total_time="$gobin_seconds" \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts" \
    "$corpus" 2>&1 | tee "$fuzz_log" | { grep --line-buffered -vE '^#[0-9]+.*(NEW|REDUCE)' || true; }; then
    echo
    echo "test: fuzz_gobin failed; reproducer(s):" >&2
    ls -l "$artifacts" >&2 || true
    exit 1
fi
runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$fuzz_log" | grep -oE '[0-9]+$' || echo '?')
summary+=("build-fuzz: fuzz_gobin ran $runs inputs in ${gobin_seconds}s from 3 seeds, no crash")

stage "summary ($((SECONDS - start))s)"
printf '%s\n' "${summary[@]}"
# One closing line over both ctest runs (each fuzz run counts as one test).
passed=0 failed=0
for dir in build build-asan; do
    line=$(grep -E 'tests passed' "$dir/ctest.log" | tail -n 1)
    total=$(grep -oE 'out of [0-9]+' <<<"$line" | grep -oE '[0-9]+')
    bad=$(grep -oE '[0-9]+ tests failed' <<<"$line" | grep -oE '^[0-9]+')
    passed=$((passed + total - bad)) failed=$((failed + bad))
done
echo "tests: $((passed + 2)) passed, $failed failed"
