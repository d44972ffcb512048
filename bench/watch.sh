#!/usr/bin/env bash
# `leakscope watch` at scale (bench/README.md): TARGETS copies of
# go/cmd/leakyservice on loopback, each with GOROUTINES goroutines on 50
# stacks, watched at INTERVAL for DURATION with the history on.  Prints
# leakscope's CPU (user+system, as a share of one core) and peak RSS, and the
# scrape latency leakscope saw (from its history) next to curl fetching the
# same endpoints one at a time, in the same run.  Nothing is asserted; the
# goal (leakscope under 5% of one core at 50 x 20,000, 5 s) is printed with
# whether this run met it.
#
#   bash bench/watch.sh                                  # 50 x 20000, 5s, 2m
#   TARGETS=10 GOROUTINES=5000 DURATION=30s bash bench/watch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

TARGETS=${TARGETS:-50}
GOROUTINES=${GOROUTINES:-20000}
INTERVAL=${INTERVAL:-5s}
DURATION=${DURATION:-2m}
LEAKSCOPE=${LEAKSCOPE:-$repo/build/leakscope}

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
for tool in go curl sqlite3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found (run scripts/setup.sh)" >&2; exit 2; }
done
[[ -x $LEAKSCOPE ]] || { echo "bench: $LEAKSCOPE not built (cmake --build build)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_bench_watch.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

(cd go && go build -o "$work/leakyservice" ./cmd/leakyservice)
addrs=()
for i in $(seq 1 "$TARGETS"); do
    "$work/leakyservice" -idle "$GOROUTINES" -stacks 50 >"$work/svc$i.out" 2>&1 &
    pids+=($!)
done
for i in $(seq 1 "$TARGETS"); do
    for _ in $(seq 1 100); do
        a=$(sed -n 's/^listening on //p' "$work/svc$i.out")
        [[ -n $a ]] && break
        sleep 0.1
    done
    [[ -n $a ]] || { echo "bench: service $i did not start" >&2; exit 2; }
    addrs+=("$a")
done
echo "bench: $TARGETS targets x $GOROUTINES goroutines (50 stacks), interval $INTERVAL, for $DURATION, $(nproc) cores"

# curl alone, one endpoint at a time, before leakscope runs
curl_ms=()
for a in "${addrs[@]}"; do
    t=$(curl -sf -o /dev/null -w '%{time_total}' "http://$a/debug/pprof/goroutine?debug=0")
    curl_ms+=("$t")
done
curl_mean=$(printf '%s\n' "${curl_ms[@]}" | awk '{s += $1} END {printf "%.1f", 1000 * s / NR}')
curl_max=$(printf '%s\n' "${curl_ms[@]}" | awk '$1 > m {m = $1} END {printf "%.1f", 1000 * m}')
# ... and all at once, 16 at a time (leakscope's default --concurrency)
par=$(printf '%s\n' "${addrs[@]}" | xargs -P 16 -I{} curl -sf -o /dev/null -w '%{time_total}\n' "http://{}/debug/pprof/goroutine?debug=0")
par_mean=$(awk '{s += $1} END {printf "%.1f", 1000 * s / NR}' <<<"$par")
par_max=$(awk '$1 > m {m = $1} END {printf "%.1f", 1000 * m}' <<<"$par")

/usr/bin/time -f '%U %S %e %M' -o "$work/time.txt" \
    "$LEAKSCOPE" watch --interval "$INTERVAL" --duration "$DURATION" --db "$work/bench.db" -q \
    --blocked-scrapes 0 "${addrs[@]}" >/dev/null 2>"$work/watch.err" || true
read -r user sys wall rss_kb <"$work/time.txt"

stats=$(sqlite3 "$work/bench.db" "SELECT count(*), sum(error IS NOT NULL), printf('%.1f', 1000 * avg(duration)),
    printf('%.1f', 1000 * max(duration)), max(goroutines) FROM scrapes")
IFS='|' read -r scrapes errors lat_mean lat_max max_g <<<"$stats"
db_size=$(du -k "$work/bench.db" | cut -f1)
cpu_pct=$(awk -v u="$user" -v s="$sys" -v w="$wall" 'BEGIN {printf "%.2f", 100 * (u + s) / w}')

printf '\n%-44s %12s\n' "" "value"
printf '%-44s %12s\n' "scrapes (errors)" "$scrapes ($errors)"
printf '%-44s %12s\n' "goroutines per target (max seen)" "$max_g"
printf '%-44s %12s\n' "leakscope CPU, % of one core" "$cpu_pct"
printf '%-44s %12s\n' "leakscope CPU seconds (user + sys)" "$user + $sys"
printf '%-44s %12s\n' "leakscope peak RSS, MB" "$((rss_kb / 1024))"
printf '%-44s %12s\n' "history database, MB" "$((db_size / 1024))"
printf '%-44s %12s\n' "scrape latency, curl alone: mean / max ms" "$curl_mean / $curl_max"
printf '%-44s %12s\n' "scrape latency, curl 16 at once: mean / max" "$par_mean / $par_max"
printf '%-44s %12s\n' "scrape latency, leakscope: mean / max ms" "$lat_mean / $lat_max"
added=$(awk -v a="$lat_mean" -v b="$curl_mean" 'BEGIN {printf "%.1f", a - b}')
printf '%-44s %12s\n' "added mean latency vs curl alone, ms" "$added"
met=$(awk -v c="$cpu_pct" 'BEGIN {print (c < 5) ? "met" : "NOT met"}')
echo
echo "goal: leakscope under 5% of one core at 50 x 20,000 goroutines, 5 s interval: $met at this load"
if [[ -s $work/watch.err ]]; then
    echo "leakscope said:"
    head -5 "$work/watch.err"
fi
