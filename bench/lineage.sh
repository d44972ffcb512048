#!/usr/bin/env bash
# The lineage reader's speed and memory: `leakscope lineage` on a
# 10-million-event file (bench/README.md, "lineage.sh").
#
#   bash bench/lineage.sh                  # 10,000,000 events
#   EVENTS=2000000 bash bench/lineage.sh   # another size
#   RUNS=5 bash bench/lineage.sh           # best of 5 instead of 3
#
# The event file is written by tests/lineage/gen_events.py (correct
# requests, 1000 in flight at once, ~200 bytes an event) into bench/out/
# and kept for the next run.  Throughput is events over CPU time (user +
# system) of one process on one core, so other load on the machine does
# not count; wall time is printed too.  Peak RSS comes from /usr/bin/time.
# The same is measured on the file's first tenth: memory bounded by live
# contexts means the two peaks are about equal.  Nothing is asserted; the
# goals (>= 2 million events/s, RSS independent of file size) are printed
# with whether this run met them.
#
# Then the Go package's own overhead (go/lineage, TestHandlerOverhead): an
# in-process order service (two HTTP hops, JSON both ways, six context
# derivations a request) with package context, lineage without a sink,
# and lineage at "off", "default" and "all", in interleaved rounds timed
# by getrusage; and the request's context work alone in a tight loop,
# which resolves far smaller differences. Goal: <= 0.3% CPU at "default".
#
#   SETS=60 bash bench/lineage.sh          # more rounds, narrower band
#   GO_OVERHEAD=0 bash bench/lineage.sh    # the reader only
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-10000000}
RUNS=${RUNS:-3}
SETS=${SETS:-30}
GO_OVERHEAD=${GO_OVERHEAD:-1}
[[ $EVENTS =~ ^[1-9][0-9]*$ ]] || { echo "bench: EVENTS must be a positive number" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number" >&2; exit 2; }
[[ $SETS =~ ^[1-9][0-9]*$ ]] || { echo "bench: SETS must be a positive number" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is needed (Debian package time)" >&2; exit 2; }

out=bench/out
mkdir -p "$out"
leakscope=${LEAKSCOPE:-build/leakscope}
if [[ -z ${LEAKSCOPE:-} ]]; then
    echo "bench: building ./build"
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build --target leakscope_cli >/dev/null
fi

big=$out/lineage-$EVENTS.jsonl
if [[ ! -s $big ]]; then
    echo "bench: writing $big (tests/lineage/gen_events.py; once, kept for later runs)"
    python3 tests/lineage/gen_events.py --events "$EVENTS" -o "$big.tmp"
    mv "$big.tmp" "$big"
fi
small=$out/lineage-$EVENTS-tenth.jsonl
if [[ ! -s $small ]]; then
    head -n $(($(wc -l <"$big") / 10)) "$big" >"$small"
fi
cat "$big" "$small" >/dev/null # warm the page cache

# measure FILE: best CPU time of RUNS runs; prints "events cpu wall rss_kb"
measure() {
    local best_cpu="" best=""
    for ((i = 0; i < RUNS; i++)); do
        local status=0
        /usr/bin/time -f '%U %S %e %M' -o "$out/time.txt" \
            "$leakscope" lineage --format json -o "$out/lineage.json" "$1" 2>"$out/stderr.txt" || status=$?
        # 0 or 1 (the tenth ends mid-request: live-at-end findings) are fine
        ((status <= 1)) || { echo "bench: leakscope lineage exited $status: $(head -3 "$out/stderr.txt")" >&2; exit 1; }
        local u s e m
        read -r u s e m < <(tail -n 1 "$out/time.txt") # after "Command exited with ..."
        local cpu
        cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
        if [[ -z $best_cpu ]] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
            best_cpu=$cpu
            local events
            events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"])' "$out/lineage.json")
            best="$events $cpu $e $m"
        fi
    done
    echo "$best"
}

bytes=$(stat -L -c %s "$big")
echo "bench: $big: $EVENTS events asked, $((bytes / 1000000)) MB; best of $RUNS runs, $(nproc) cores"
read -r ev cpu wall rss < <(measure "$big")
read -r ev10 cpu10 wall10 rss10 < <(measure "$small")
rate=$(awk -v e="$ev" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? e / c : 0) }')
rate10=$(awk -v e="$ev10" -v c="$cpu10" 'BEGIN { printf "%.0f", (c > 0 ? e / c : 0) }')
printf '%-22s %12s %10s %10s %14s %12s\n' file events cpu_s wall_s events/s peak_rss_MB
printf '%-22s %12s %10s %10s %14s %12.1f\n' "whole" "$ev" "$cpu" "$wall" "$rate" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
printf '%-22s %12s %10s %10s %14s %12.1f\n' "first tenth" "$ev10" "$cpu10" "$wall10" "$rate10" "$(awk -v k="$rss10" 'BEGIN { print k / 1024 }')"
goal_rate=$(awk -v r="$rate" 'BEGIN { print (r >= 2000000) ? "met" : "NOT met" }')
goal_rss=$(awk -v a="$rss" -v b="$rss10" 'BEGIN { print (a <= 2 * b + 4096) ? "met" : "NOT met" }')
echo "goal: >= 2,000,000 events/s on one core: $goal_rate"
echo "goal: peak RSS bounded by live contexts (10x the events, about the same peak): $goal_rss"

[[ $GO_OVERHEAD == 0 ]] && exit 0
gobin=$(command -v go || echo /usr/local/go/bin/go)
[[ -x $gobin ]] || { echo "bench: go is needed for the package overhead (GO_OVERHEAD=0 skips it)" >&2; exit 2; }
echo
echo "bench: Go package overhead (go/lineage TestHandlerOverhead, $SETS sets; bounded to 150 s)"
# The rounds are CPU-timed, so a busy machine stretches the wall time;
# timeout keeps the whole script bounded.
if ! (cd go && LINEAGE_OVERHEAD_SETS=$SETS LINEAGE_OVERHEAD_REQUESTS=${REQUESTS:-300} \
    timeout 150 "$gobin" test -count=1 -v -run '^TestHandlerOverhead$' ./lineage/ >"../$out/overhead.txt" 2>&1); then
    tail -20 "$out/overhead.txt" >&2
    echo "bench: the overhead test failed or ran out of time (fewer SETS?)" >&2
    exit 1
fi
grep -v -e '^=== RUN' -e '^--- PASS' -e '^PASS$' -e '^ok ' "$out/overhead.txt"
