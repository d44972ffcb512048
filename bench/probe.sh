#!/usr/bin/env bash
# The cost of leakscope probe (docs/probe.md), from one run:
#
#   1. churn: tests/probe/testdata/churn starts and ends N goroutines, one
#      at a time (-batch 1) and 1000 at a time; the time per goroutine with
#      and without the probe, and the difference: the probe's cost per
#      goroutine created and exited (ns);
#   2. HTTP: bench/probe/server (one helper goroutine per request) under a
#      fixed local load (bench/probe/load: REQUESTS requests from 8 keep-alive
#      clients), requests per second with and without the probe, and the
#      slowdown (goal: under 5%).
#
# Needs root (the probe) and Go.  Prints; asserts nothing.
#
#   bash bench/probe.sh                # N=200000 REQUESTS=20000
#   N=1000000 REQUESTS=50000 bash bench/probe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
n=${N:-200000}
requests=${REQUESTS:-20000}
leakscope=${LEAKSCOPE:-$root/build/leakscope}
[[ -x $leakscope ]] || { echo "bench: $leakscope not found; build first (bash scripts/build.sh)" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "bench: leakscope probe needs root" >&2; exit 2; }

out=$root/bench/out/probe
mkdir -p "$out"
export GOFLAGS= GOWORK=off
(cd tests/probe/testdata/churn && go build -o "$out/churn" .)
(cd bench/probe && go build -o "$out/server" ./server && go build -o "$out/load" ./load)

ns_each() { sed -n 's/.*(\([0-9]*\) ns each).*/\1/p'; }

echo "bench: probe cost, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
printf '%-34s %12s %12s %12s\n' "churn ($n goroutines)" "ns/g alone" "ns/g probed" "cost ns/g"
for batch in 1 1000; do
    alone=$("$out/churn" -n "$n" -batch "$batch" | ns_each)
    probed=$("$leakscope" probe -- "$out/churn" -n "$n" -batch "$batch" 2>"$out/churn_probe.txt" | ns_each)
    printf '%-34s %12s %12s %12s\n' "batch $batch" "$alone" "$probed" "$((probed - alone))"
done
grep '^counters' "$out/churn_probe.txt" | sed 's/^/  /'

# rps_of CMD...: starts the server (under CMD), loads it, prints req/s
rps_of() {
    local addrfile=$out/addr.txt
    rm -f "$addrfile"
    "$@" "$out/server" >"$addrfile" 2>"$out/server_err.txt" &
    local pid=$!
    for _ in $(seq 100); do [[ -s $addrfile ]] && break; sleep 0.1; done
    "$out/load" -url "http://$(head -1 "$addrfile")/x" -n "$requests" -c 8 || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
"$out/load" -h >/dev/null 2>&1 || true
alone=$(rps_of env)
probed=$(rps_of "$leakscope" probe --)
slow=$(awk -v a="$alone" -v p="$probed" 'BEGIN { printf "%.1f", (a - p) * 100 / a }')
echo
printf '%-34s %12s %12s %12s\n' "HTTP ($requests requests, 8 clients)" "req/s alone" "req/s probed" "slowdown %"
printf '%-34s %12s %12s %12s\n' "server, 1 goroutine per request" "$alone" "$probed" "$slow"
awk -v s="$slow" 'BEGIN { exit !(s < 5) }' && echo "goal (< 5% on HTTP): met" || echo "goal (< 5% on HTTP): NOT met"
