#!/usr/bin/env bash
# The full test run, as CI runs it (README.md "All tests"):
#
#   (a) release build in ./build, then ctest;
#   (b) gcc ASan+UBSan build in ./build-asan (-DLEAKSCOPE_SANITIZE=ON), then
#       ctest with leak detection on;
#   (c) clang libFuzzer build in ./build-fuzz (-DLEAKSCOPE_FUZZ=ON), then
#       every fuzz target (fuzz_go_parse, fuzz_dump_text, fuzz_dump_debug1,
#       fuzz_dump_pprof, fuzz_lint_fix, fuzz_dump_report, fuzz_lineage, fuzz_watch_targets, fuzz_dump_split), each on a copy of its seeds in tests/fuzz/corpus/,
#       sharing $LEAKSCOPE_FUZZ_SECONDS seconds (default 180) equally.
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

fuzz_seconds=${LEAKSCOPE_FUZZ_SECONDS:-180}
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

# Every fuzz target shares the budget: each runs for an equal share of it.
fuzz_targets=(go_parse dump_text dump_debug1 dump_pprof lint_fix dump_report lineage watch_targets dump_split)
per_target=$((fuzz_seconds / ${#fuzz_targets[@]}))
((per_target > 0)) || per_target=1
stage "(c) libFuzzer build (./build-fuzz, clang) and ${fuzz_seconds}s over ${#fuzz_targets[@]} fuzz targets (${per_target}s each)"
CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEAKSCOPE_FUZZ=ON
cmake --build build-fuzz --target "${fuzz_targets[@]/#/fuzz_}"
# run_fuzz NAME: fuzz_NAME on a copy of tests/fuzz/corpus/NAME: libFuzzer adds
# every new interesting input to its corpus directory, and the committed
# seeds must stay as they are.  The go parser also gets its dictionary.
run_fuzz() {
    local name=$1 corpus=build-fuzz/corpus/$1 artifacts=build-fuzz/artifacts/$1/
    local fuzz_log=build-fuzz/fuzz_$1.log extra=()
    [[ $name == go_parse ]] && extra=(-dict=tests/fuzz/go.dict)
    [[ $name == lineage ]] && extra=(-dict=tests/fuzz/lineage.dict)
    rm -rf "$corpus" "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    # fuzz_lint_fix builds its inputs from nothing and has no seeds
    if [[ -d tests/fuzz/corpus/$name ]]; then
        cp tests/fuzz/corpus/"$name"/* "$corpus"/
    elif [[ $name == dump_split ]]; then
        cp tests/fuzz/corpus/dump_text/* "$corpus"/ # the same inputs, read in parts
    fi
    local seeds
    seeds=$(ls "$corpus" | wc -l)
    # The full log is in $fuzz_log; the terminal gets it without the NEW/REDUCE
    # lines of corpus growth and the entries of libFuzzer's recommended dictionary.
    if ! build-fuzz/tests/fuzz/fuzz_"$name" \
        "${extra[@]}" \
        -max_len=65536 \
        -rss_limit_mb=2048 \
        -timeout=30 \
        -max_total_time="$per_target" \
        -print_final_stats=1 \
        -artifact_prefix="$artifacts" \
        "$corpus" 2>&1 | tee "$fuzz_log" | { grep --line-buffered -vE '^#[0-9]+.*(NEW|REDUCE)|# Uses: [0-9]+$' || true; }; then
        echo
        echo "test: fuzz_$name failed (crash, leak, UB, timeout or OOM); reproducer(s):" >&2
        ls -l "$artifacts" >&2 || true
        echo "rerun one with: build-fuzz/tests/fuzz/fuzz_$name ${artifacts}FILE" >&2
        exit 1
    fi
    local runs
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$fuzz_log" | grep -oE '[0-9]+$' || echo '?')
    summary+=("build-fuzz: fuzz_$name ran $runs inputs in ${per_target}s from $seeds seeds, corpus now $(ls "$corpus" | wc -l) files, no crash")
}
for target in "${fuzz_targets[@]}"; do
    run_fuzz "$target"
done

stage "(d) ${gobin_seconds}s of fuzz_gobin (the Go binary reader of leakscope probe)"
# Seeds: a Go program built here, stripped (functions from the pclntab)
# and not, as whole ELF files (first byte 1) and its bare .gopclntab
# (first byte 0); megabytes, so made fresh rather than committed.
cmake --build build-fuzz --target fuzz_gobin
corpus=build-fuzz/corpus/gobin artifacts=build-fuzz/artifacts/gobin/
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
echo "tests: $((passed + ${#fuzz_targets[@]} + 1)) passed, $failed failed"
