#!/bin/sh
# `leakscope watch --listen`: a real Prometheus server (Debian's package) on
# loopback scrapes /metrics, and our series are read back through its query
# API; the page at / in headless Chromium draws its charts without script
# errors; /api/targets is JSON with each bucket's history.
#
#   cli_watch_listen.sh LEAKSCOPE REPO_ROOT GO
. "$(dirname "$0")/lib.sh"
leakscope=$1
repo=$2
go=$3
for tool in prometheus jq curl python3; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is needed: bash scripts/setup.sh"; exit 1; }
done
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "FAIL: chromium is needed: bash scripts/setup.sh"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_watch_test.XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cd "$work" || exit 1

# wait_for FILE REGEX SECONDS
wait_for() {
    for _ in $(seq 1 $(($3 * 10))); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

(cd "$repo/go" && "$go" build -o "$work/leakyservice" ./cmd/leakyservice) || { echo "cannot build leakyservice"; exit 1; }
./leakyservice -workers 20 >svc.out 2>svc.err &
pids="$pids $!"
wait_for svc.out '^listening on ' 10 || { echo "leakyservice did not start"; exit 1; }
addr=$(sed -n 's/^listening on //p' svc.out)

"$leakscope" watch --no-db --interval 1s --listen 127.0.0.1:0 --metrics-top 5 --blocked-scrapes 0 \
    --window 30s --growth-min 30 "$addr" >watch.out 2>watch.err &
pids="$pids $!"
wait_for watch.err 'serving http' 10 || { echo "FAIL: watch --listen did not start: $(cat watch.err)"; exit 1; }
base=$(sed -n 's/.*serving \(http:[^ ]*\)\/metrics,.*/\1/p' watch.err)
sleep 2.5

# ---- /metrics and /api/targets ------------------------------------------------

curl -sf "$base/metrics" >metrics.txt && pass || fail "GET /metrics"
expect_match metrics.txt '^# TYPE leakscope_watch_bucket_goroutines gauge$' "bucket gauge declared"
expect_match metrics.txt "^leakscope_watch_bucket_goroutines\\{target=\"$addr\",bucket=\"[0-9a-f]{16}\",top_function=\"main.worker\",state=\"[^\"]*\"\\} 20$" "the pool's bucket with its top function"
expect_match metrics.txt "^leakscope_watch_up\\{target=\"$addr\"\\} 1$" "the target is up"
expect_match metrics.txt '^leakscope_watch_scrape_duration_seconds\{' "scrape durations"
curl -sf "$base/api/targets" >api.json && pass || fail "GET /api/targets"
[ "$(jq -r '.version' api.json)" = 1 ] && pass || fail "/api/targets has version 1"
[ "$(jq '[.targets[0].buckets[] | select(.top_function == "main.worker")][0].history | length >= 2' api.json)" = true ] && pass ||
    fail "/api/targets keeps each bucket's history: $(head -c 400 api.json)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/nope")
[ "$code" = 404 ] && pass || fail "unknown path: status $code, want 404"

# bounded series: 300 leaked goroutines on one stack, --metrics-top 5
curl -sf "http://$addr/leak?n=300" >/dev/null
sleep 2.5
curl -sf "$base/metrics" >metrics2.txt
n=$(grep -c '^leakscope_watch_bucket_goroutines{' metrics2.txt)
[ "$n" -le 6 ] && pass || fail "at most 5 buckets + other per target, got $n series"
expect_match metrics2.txt 'top_function="main.leakSend",state="[^"]*"\} 300$' "the leaking bucket has its series"
expect_match metrics2.txt "^leakscope_watch_alerts_total\\{target=\"$addr\",kind=\"growth\"\\} 1$" "the alert is counted"

# ---- a real Prometheus scrapes us ----------------------------------------------

prom_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >prometheus.yml <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: leakscope
    static_configs:
      - targets: ['${base#http://}']
EOF
prometheus --config.file=prometheus.yml --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" >prom.out 2>prom.err &
pids="$pids $!"
query() {
    curl -sf -G "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1"
}
got=
for _ in $(seq 1 60); do
    got=$(query 'leakscope_watch_bucket_goroutines{top_function="main.worker"}' 2>/dev/null | jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
    [ -n "$got" ] && break
    sleep 0.5
done
[ "$got" = 20 ] && pass || fail "Prometheus reads the pool's bucket as 20, got '$got': $(tail -3 prom.err)"
got=$(query "leakscope_watch_bucket_goroutines{top_function=\"main.leakSend\",target=\"$addr\"}" | jq -r '.data.result[0].value[1] // empty')
[ "$got" = 300 ] && pass || fail "Prometheus reads the leaking bucket as 300, got '$got'"
got=$(query 'sum(leakscope_watch_alerts_total{kind="growth"})' | jq -r '.data.result[0].value[1] // empty')
[ "$got" = 1 ] && pass || fail "Prometheus reads 1 growth alert, got '$got'"
got=$(query 'up{job="leakscope"}' | jq -r '.data.result[0].value[1] // empty')
[ "$got" = 1 ] && pass || fail "Prometheus parsed our exposition (up == 1), got '$got'"

# ---- the page in headless Chromium ------------------------------------------------

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --dump-dom "$base/" >dom.html 2>console.log
expect_match dom.html '<body data-chart="drawn">' "the page drew its charts"
expect_match dom.html 'id="chart-status" class="dim">charts drawn: 1 targets, [1-9][0-9]* lines' "one chart with lines"
expect_match dom.html '<polyline points="[0-9.,]+ [0-9.,]+[^"]*" fill="none" stroke="#d62728"' "a line with points"
expect_match dom.html 'main\.leakSend' "the table names the leaking function"
expect_match dom.html '<div id="js-errors"></div>' "no script errors on the page"
expect_no_match dom.html '<html[^>]* data-js-error=' "window.onerror never ran"
expect_no_match console.log 'Uncaught|CONSOLE.*[Ee]rror' "no errors on the console"

finish
