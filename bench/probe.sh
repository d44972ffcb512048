#!/usr/bin/env bash
# The cost of leakscope probe (docs/probe.md), from one run:
#
#   1. churn: tests/probe/testdata/churn starts and ends N goroutines, one
#      at a time (-batch 1) and 1000 at a time; the time per goroutine with
#      and without the probe, and the difference: the probe's cost per
#      goroutine created and exited (ns);
#   2. HTTP: bench/probe/server (one helper goroutine per request, plus the
#      one net/http starts per request) under a fixed local load
#      (bench/probe/load: REQUESTS requests from 8 keep-alive clients),
#      ROUNDS rounds with and without the probe, alternating: the medians of
#      requests per second and of the server's CPU per request, and the
#      slowdown (goal: under 5%).
#
# Needs root (the probe) and Go.  Prints; asserts nothing.
#
#   bash bench/probe.sh                # N=200000 REQUESTS=20000 ROUNDS=7
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

# serve_round FLAG CMD...: starts the server with FLAG (under CMD), loads it, prints
# "REQ_PER_S CPU_US_PER_REQUEST" (the server's CPU: the run time of all its
# threads from /proc/PID/task/*/schedstat, in ns, which includes the time
# the kernel spends in the probe's traps on its behalf).
serve_round() {
    local addrfile=$out/addr.txt rps cpu_ns flag=$1
    shift
    rm -f "$addrfile"
    "$@" "$out/server" $flag >"$addrfile" 2>"$out/server_err.txt" &
    local pid=$!
    for _ in $(seq 100); do [[ -f $addrfile && $(wc -l <"$addrfile") -ge 2 ]] && break; sleep 0.1; done
    local spid
    spid=$(sed -n 2p "$addrfile")
    rps=$("$out/load" -url "http://$(head -1 "$addrfile")/x" -n "$requests" -c 8 || echo 0)
    cpu_ns=$(cat /proc/"$spid"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
    kill "$spid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    awk -v r="$rps" -v c="$cpu_ns" -v n="$requests" 'BEGIN { printf "%s %.2f\n", r, c / n / 1000 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# http_rows FLAG NAME: rounds alternate (alone, probed / probed, alone) so
# that the machine's drift falls on both alike; the medians are compared.
http_rows() {
    local flag=$1 name=$2 rounds=${ROUNDS:-7} f=$out/http_rounds$1.txt
    : >"$f"
    for r in $(seq "$rounds"); do
        if ((r % 2)); then
            echo "alone $(serve_round "$flag" env)" >>"$f"
            echo "probed $(serve_round "$flag" "$leakscope" probe --)" >>"$f"
        else
            echo "probed $(serve_round "$flag" "$leakscope" probe --)" >>"$f"
            echo "alone $(serve_round "$flag" env)" >>"$f"
        fi
    done
    local rps_alone rps_probed cpu_alone cpu_probed
    rps_alone=$(awk '$1 == "alone" { print $2 }' "$f" | median)
    rps_probed=$(awk '$1 == "probed" { print $2 }' "$f" | median)
    cpu_alone=$(awk '$1 == "alone" { print $3 }' "$f" | median)
    cpu_probed=$(awk '$1 == "probed" { print $3 }' "$f" | median)
    slow=$(awk -v a="$rps_alone" -v p="$rps_probed" 'BEGIN { printf "%.1f", (a - p) * 100 / a }')
    printf '%-34s %12s %12s %12s\n' "$name: requests/s" "$rps_alone" "$rps_probed" \
        "$(awk -v s="$slow" 'BEGIN { printf "%+.1f", -s }')"
    printf '%-34s %12s %12s %12s\n' "$name: server CPU µs/request" "$cpu_alone" "$cpu_probed" \
        "$(awk -v a="$cpu_alone" -v p="$cpu_probed" 'BEGIN { printf "%+.1f", (p - a) * 100 / a }')"
    awk -v s="$slow" 'BEGIN { exit !(s < 5) }' && echo "  goal (< 5% slower): met" || echo "  goal (< 5% slower): NOT met"
}

"$out/load" -h >/dev/null 2>&1 || true
echo
echo "HTTP: $requests requests from 8 keep-alive clients a round, ${ROUNDS:-7} rounds each, medians"
printf '%-34s %12s %12s %12s\n' "service (2 goroutines per request)" "alone" "probed" "change %"
http_rows "" "minimal"
http_rows "-orders" "orders"
