#!/usr/bin/env bash
# Lint speed and findings on real code: `leakscope lint` (all rules) against
# `go vet -lostcancel` on the same tree in the same run (bench/README.md).
#
#   bash bench/lint.sh                  # ROOT = $(go env GOROOT)/src, all of it
#   bash bench/lint.sh DIR              # or ROOT=DIR: a module (or a tree of them)
#   SUBSET=1 bash bench/lint.sh         # quick: only ./context/... ./time/... ./database/sql/...
#   PATTERNS="./net/..." bash bench/lint.sh   # any go-tool patterns, relative to ROOT
#   RUNS=5 bash bench/lint.sh           # leakscope: best of 5 instead of 3
#   RULES_ONLY=1 bash bench/lint.sh     # only the rule-set budget (all rules vs context rules), no go vet
#
# go vet runs three times: with a cold build cache (GOCACHE is a fresh empty
# directory), then warm (the same cache again: vet replays its cached
# results), then warm with vet's results not reused (-lostcancel=true, the
# same flag spelt differently, changes vet's cache key: every package is
# type-checked and analysed again).  With the default patterns
# (./...) go vet runs in ROOT and in every module nested below it (GOROOT/src
# holds two: std in src/ and cmd in src/cmd/), so that both tools see the same
# packages; leakscope walks the whole tree at once.  leakscope is timed RUNS
# times after one untimed warm-up pass (page cache) and the best run is
# reported.  Nothing is asserted: the goals are printed with whether this run
# met them.  Then every finding of either side is listed, and their overlap by
# file:line.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
repo=$PWD

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "bench: go not found (run scripts/setup.sh)" >&2; exit 2; }
command -v jq >/dev/null 2>&1 || { echo "bench: jq not found (run scripts/setup.sh)" >&2; exit 2; }

ROOT=${1:-${ROOT:-$(go env GOROOT)/src}}
RUNS=${RUNS:-3}
SUBSET=${SUBSET:-0}
[[ -d $ROOT ]] || { echo "bench: $ROOT: not a directory" >&2; exit 2; }
ROOT=$(cd "$ROOT" && pwd)
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number" >&2; exit 2; }
if [[ -z ${PATTERNS:-} ]]; then
    if [[ $SUBSET == 1 ]]; then
        PATTERNS="./context/... ./time/... ./database/sql/..."
    else
        PATTERNS="./..."
    fi
fi
read -r -a patterns <<<"$PATTERNS"

build=build-bench
echo "bench: building ./$build (RelWithDebInfo)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" leakscope >/dev/null
leakscope=$repo/$build/leakscope

out=$repo/bench/out/lint
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# The modules go vet must visit: ROOT itself, and with ./... every go.mod
# below it outside the directories the go tool skips.
modules=(.)
if [[ $PATTERNS == "./..." ]]; then
    while IFS= read -r m; do
        modules+=("$m")
    done < <(cd "$ROOT" && find . -mindepth 1 \( -name testdata -o -name vendor -o -name '[._]?*' \) -prune \
                 -o -name go.mod -type f -printf '%h\n' | grep -vx '\.' | sort)
fi

# Runs go vet -lostcancel (and the flags in $2..) over the patterns in every
# module; its diagnostics (stderr) are collected in $1 with paths made
# relative to ROOT.
vet_run() {
    local dest=$1 m rc
    shift
    : >"$dest"
    for m in "${modules[@]}"; do
        rc=0
        (cd "$ROOT/$m" && go vet -lostcancel "$@" "${patterns[@]}") >/dev/null 2>"$tmp/vet.err" || rc=$?
        if ((rc != 0 && rc != 1)) || grep -qvE '^(#|[^ ]+\.go:[0-9]+:[0-9]+: )' "$tmp/vet.err"; then
            # Status 1 means diagnostics; anything else, or a line that is
            # neither a package header nor a diagnostic, is shown.
            grep -vE '^(#|[^ ]+\.go:[0-9]+:[0-9]+: )' "$tmp/vet.err" | head -n 20 >&2 || true
            ((rc == 0 || rc == 1)) || echo "bench: go vet in $m exited with status $rc" >&2
        fi
        grep -E '^[^ ]+\.go:[0-9]+:[0-9]+: ' "$tmp/vet.err" |
            sed -E "s|^\./||; s|^|$m/|; s|^\./||" >>"$dest" || true
    done
    sort -t: -k1,1 -k2,2n -k3,3n -u -o "$dest" "$dest"
}

# Runs leakscope lint over the patterns; JSON in $1.  Status 1 (findings) and
# 2 (GOROOT has files with deliberate syntax errors) are expected.
leakscope_run() {
    local rc=0
    (cd "$ROOT" && LEAKSCOPE_CACHE=$tmp/lscache "$leakscope" lint --format json -j"$(nproc)" "${patterns[@]}") >"$1" 2>"$tmp/ls.err" || rc=$?
    if ((rc > 2)); then
        echo "bench: leakscope lint exited with status $rc" >&2
        head -n 20 "$tmp/ls.err" >&2
        exit 1
    fi
}

echo "bench: ROOT=$ROOT, patterns: $PATTERNS, $(nproc) cores, $(go version | cut -d' ' -f3)"
echo "bench: go vet modules: ${modules[*]}"

# leakscope's result cache (docs/lint.md, "Cache") is $tmp/lscache: emptied
# before each cold-cache run, kept for the warm-cache runs.
echo "bench: leakscope lint (all rules, -j$(nproc)), cold result cache, warm-up then best of $RUNS"
leakscope_run "$tmp/ls.json"
best=
for ((i = 0; i < RUNS; i++)); do
    rm -rf "$tmp/lscache"
    t0=$(now)
    leakscope_run "$tmp/ls.json"
    t=$(secs "$t0" "$(now)")
    if [[ -z $best ]] || ! ge "$t" "$best"; then best=$t; fi
done
t_ls=$best
echo "  ${t_ls}s"
echo "bench: leakscope lint, warm result cache, best of $RUNS"
best=
for ((i = 0; i < RUNS; i++)); do
    t0=$(now)
    leakscope_run "$tmp/ls-warm.json"
    t=$(secs "$t0" "$(now)")
    if [[ -z $best ]] || ! ge "$t" "$best"; then best=$t; fi
done
t_ls_warm=$best
echo "  ${t_ls_warm}s"
if ! cmp -s "$tmp/ls.json" "$tmp/ls-warm.json"; then
    echo "bench: warning: leakscope printed different results with a warm cache" >&2
fi

# Issue 6's budget: the whole rule set within 1.5x of the context-lifecycle
# rules of the first release alone (CTX001-004, CTX008, RES002, RES003).  One thread, no result cache, and CPU time
# (user + system, bash's `time`) rather than wall time, so that a busy
# machine slows both sides alike: the ratio is the rules' own cost plus the
# shared parsing.
CONTEXT_RULES=CTX001,CTX002,CTX003,CTX004,CTX008,RES002,RES003
rules_run() { # rules_run ENABLE...: best CPU seconds of RUNS, -j1, --no-cache
    local best= t i TIMEFORMAT='%U %S'
    for ((i = 0; i < RUNS; i++)); do
        t=$( { time (cd "$ROOT" && "$leakscope" lint --no-cache --no-config -j1 "$@" "${patterns[@]}" >/dev/null 2>&1 || true); } 2>&1 | awk '{ printf "%.2f", $1 + $2 }')
        if [[ -z $best ]] || ! ge "$t" "$best"; then best=$t; fi
    done
    echo "$best"
}
echo "bench: rule-set cost, CPU seconds, -j1, no cache, best of $RUNS: context rules ($CONTEXT_RULES) alone, then all rules"
t_ctx=$(rules_run --enable "$CONTEXT_RULES")
t_all=$(rules_run)
echo "  ${t_ctx}s, ${t_all}s"

if [[ ${RULES_ONLY:-0} == 1 ]]; then
    r_rules=$(ratio "$t_all" "$t_ctx")
    if awk -v a="$t_all" -v b="$t_ctx" 'BEGIN { exit !(a <= 1.5 * b) }'; then m=met; else m="not met"; fi
    echo
    echo "goal: all rules within 1.5x of the context rules alone (CPU time, -j1, no cache)"
    echo "  context rules ${t_ctx}s, all rules ${t_all}s: $(awk -v a="$t_all" -v b="$t_ctx" 'BEGIN { printf "%.2f", a / b }')x: $m"
    exit 0
fi
echo "bench: go vet -lostcancel, cold build cache (GOCACHE=$tmp/gocache, empty)"
export GOCACHE=$tmp/gocache GOFLAGS=${GOFLAGS:-}
mkdir -p "$GOCACHE"
t0=$(now)
vet_run "$out/vet-cold.txt"
t_cold=$(secs "$t0" "$(now)")
echo "  ${t_cold}s"

echo "bench: go vet -lostcancel, warm build cache (the same GOCACHE)"
t0=$(now)
vet_run "$out/vet.txt"
t_warm=$(secs "$t0" "$(now)")
echo "  ${t_warm}s"
# go vet caches its results too (keyed by the vet flags as written): the warm
# run above replays them.  Spelling the same flag as -lostcancel=true changes
# the key, so this run type-checks and analyses every package again from the
# warm build cache: what vet costs when the code has changed.
echo "bench: go vet -lostcancel=true, warm build cache, vet results not reused"
t0=$(now)
vet_run "$out/vet-rerun.txt" -lostcancel=true
t_rerun=$(secs "$t0" "$(now)")
echo "  ${t_rerun}s"
for f in vet-cold vet-rerun; do
    if ! cmp -s "$out/$f.txt" "$out/vet.txt"; then
        echo "bench: warning: the go vet runs printed different diagnostics ($f.txt, vet.txt)" >&2
    fi
done

jq -r '.findings[] | "\(.path):\(.line):\(.column): \(.rule) \(.name): \(.message)"' "$tmp/ls.json" >"$out/leakscope.txt"
jq -r '.errors[] | "\(.path):\(.line):\(.column): \(.kind): \(.message)"' "$tmp/ls.json" >"$out/leakscope-errors.txt"
cp "$tmp/ls.json" "$out/leakscope.json"

echo
echo "wall time (seconds)"
printf '  %-44s %8s\n' "leakscope lint, all rules, -j$(nproc), cold cache" "$t_ls" \
    "leakscope lint, warm result cache" "$t_ls_warm" \
    "go vet -lostcancel, cold build cache" "$t_cold" \
    "go vet -lostcancel, warm build cache" "$t_warm" \
    "go vet -lostcancel, warm, results not reused" "$t_rerun"
r_cold=$(ratio "$t_cold" "$t_ls")
r_warm=$(ratio "$t_warm" "$t_ls_warm")
r_rerun=$(ratio "$t_rerun" "$t_ls")
printf '  %-44s %7sx\n' "ratio cold go vet / leakscope" "$r_cold" "ratio warm go vet / warm leakscope" "$r_warm" \
    "ratio warm go vet, results not reused / ls" "$r_rerun"
echo
echo "goal: >= 50x faster than cold go vet, >= 10x faster than warm"
if ge "$r_cold" 50; then m=met; else m="not met"; fi
echo "  cold: ${r_cold}x: $m"
if ge "$r_warm" 10; then m=met; else m="not met"; fi
echo "  warm: ${r_warm}x: $m"
echo "  (warm with vet's results not reused: ${r_rerun}x)"

r_rules=$(ratio "$t_all" "$t_ctx")
echo
echo "goal: all rules within 1.5x of the context rules alone (CPU time, -j1, no cache)"
r_rules=$(awk -v a="$t_all" -v b="$t_ctx" 'BEGIN { printf "%.2f", a / b }')
if awk -v a="$t_all" -v b="$t_ctx" 'BEGIN { exit !(a <= 1.5 * b) }'; then m=met; else m="not met"; fi
echo "  context rules ${t_ctx}s, all $(("$("$leakscope" lint --list-rules | wc -l)" - 1)) rules ${t_all}s: ${r_rules}x: $m"
echo
n=$(wc -l <"$out/leakscope.txt")
echo "leakscope findings: $n ($(jq -r '[.findings[].rule] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$tmp/ls.json"))"
sed 's/^/  /' "$out/leakscope.txt"
ne=$(wc -l <"$out/leakscope-errors.txt")
echo "leakscope input errors: $ne"
sed 's/^/  /' "$out/leakscope-errors.txt"

echo
# go vet's lostcancel prints the finding at the creation ("the cancel
# function ...") and, for paths, a second line at the return ("this return
# statement may be reached ...").
grep -E ': the cancel function' "$out/vet.txt" >"$tmp/vet-primary.txt" || true
n=$(wc -l <"$tmp/vet-primary.txt")
echo "go vet -lostcancel findings: $n (plus $(($(wc -l <"$out/vet.txt") - n)) related lines)"
sed 's/^/  /' "$out/vet.txt"

echo
cut -d: -f1,2 "$tmp/vet-primary.txt" | sort -u >"$tmp/vet.lines"
grep -E ': CTX001 ' "$out/leakscope.txt" | cut -d: -f1,2 | sort -u >"$tmp/ls.lines" || true
bylines() { sort -t: -k1,1 -k2,2n | sed 's/^/    /'; }
both=$(comm -12 "$tmp/vet.lines" "$tmp/ls.lines" | wc -l)
echo "overlap by file:line (go vet lostcancel vs leakscope CTX001): $both on both sides"
echo "  only go vet: $(comm -23 "$tmp/vet.lines" "$tmp/ls.lines" | wc -l)"
comm -23 "$tmp/vet.lines" "$tmp/ls.lines" | bylines
echo "  only leakscope: $(comm -13 "$tmp/vet.lines" "$tmp/ls.lines" | wc -l)"
comm -13 "$tmp/vet.lines" "$tmp/ls.lines" | bylines
echo
echo "bench: lists kept in bench/out/lint/ (leakscope.txt, leakscope.json, vet.txt, vet-cold.txt, vet-rerun.txt)"
