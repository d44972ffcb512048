#!/bin/sh
# `leakscope watch` against a real Go service (go/cmd/leakyservice) on
# loopback: one alert for the bucket that leaks when the knob is turned,
# none for the stable pool, once per bucket; the history in SQLite; a
# SIGKILL mid-run leaves a consistent database; targets files, their
# errors and SIGHUP reloads; a target that is down is retried with backoff;
# --on-alert and --webhook get the alert JSON.
#
#   cli_watch.sh LEAKSCOPE REPO_ROOT GO
. "$(dirname "$0")/lib.sh"
leakscope=$1
repo=$2
go=$3
command -v sqlite3 >/dev/null || { echo "sqlite3 (the shell) is needed: bash scripts/setup.sh"; exit 1; }
command -v jq >/dev/null || { echo "jq is needed: bash scripts/setup.sh"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_watch_test.XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cd "$work" || exit 1

(cd "$repo/go" && "$go" build -o "$work/leakyservice" ./cmd/leakyservice) || { echo "cannot build leakyservice"; exit 1; }
leak_line=$(grep -n 'leakCh <- i' "$repo/go/cmd/leakyservice/main.go" | cut -d: -f1)

# start_service: runs leakyservice on an ephemeral port; sets $addr.
start_service() {
    ./leakyservice -workers 20 >svc.out 2>svc.err &
    pids="$pids $!"
    addr=
    for _ in $(seq 1 100); do
        addr=$(sed -n 's/^listening on //p' svc.out)
        [ -n "$addr" ] && break
        sleep 0.1
    done
    [ -n "$addr" ] || { echo "leakyservice did not start: $(cat svc.err)"; exit 1; }
}

# wait_for FILE REGEX SECONDS: until a line of FILE matches.
wait_for() {
    for _ in $(seq 1 $(($3 * 10))); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

start_service

# ---- one alert for the leak, none for the pool, once per bucket -------------

"$leakscope" watch --interval 1s --window 30s --growth-min 30 --blocked-scrapes 0 \
    --db hist.db --on-alert 'cat >> on_alert.jsonl' --duration 14s "$addr" >out.txt 2>err.txt &
watch_pid=$!
sleep 3
curl -sf "http://$addr/leak?n=100" >/dev/null || fail "the leak knob did not answer"
wait_for err.txt '"kind":"growth"' 8 || fail "no alert within 8 s of the leak"
curl -sf "http://$addr/leak?n=100" >/dev/null # still leaking: no second alert
wait "$watch_pid"
status=$?
expect_status 1 "watch that alerted"
growth=$(grep -c '"kind":"growth"' err.txt)
[ "$growth" -eq 1 ] && pass || fail "want exactly 1 growth alert, got $growth: $(cat err.txt)"
expect_no_match err.txt '"kind":"blocked"' "--blocked-scrapes 0 turns the blocked alert off"
alert=$(grep '"kind":"growth"' err.txt | head -1)
echo "$alert" >alert.json
[ "$(jq -r .version alert.json)" = 1 ] && pass || fail "alert version: $alert"
[ "$(jq -r '.top_frames[0].func' alert.json)" = main.leakSend ] && pass || fail "alert names main.leakSend: $alert"
[ "$(jq -r '.top_frames[0].line' alert.json)" = "$leak_line" ] && pass || fail "alert names line $leak_line: $alert"
[ "$(jq -r .target alert.json)" = "$addr" ] && pass || fail "alert names the target $addr: $alert"
[ "$(jq -r .goroutines alert.json)" -ge 100 ] && pass || fail "alert counts >= 100 goroutines: $alert"
jq -e '.first_seen | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' alert.json >/dev/null && pass || fail "first_seen: $alert"
jq -e '.growth_per_minute > 0' alert.json >/dev/null && pass || fail "growth rate: $alert"
expect_no_match err.txt 'main\.worker' "the stable pool never alerts"
[ "$(wc -l <on_alert.jsonl)" -eq 1 ] && [ "$(jq -r .bucket on_alert.jsonl)" = "$(jq -r .bucket alert.json)" ] && pass ||
    fail "--on-alert got the alert on stdin: $(cat on_alert.jsonl 2>/dev/null)"

# ---- the history -------------------------------------------------------------

q() { sqlite3 "$1" "$2"; }
[ "$(q hist.db 'PRAGMA journal_mode')" = wal ] && pass || fail "the history is in WAL mode"
[ "$(q hist.db 'PRAGMA integrity_check')" = ok ] && pass || fail "integrity_check after a clean stop"
[ "$(q hist.db 'SELECT count(*) >= 8 FROM scrapes WHERE error IS NULL')" = 1 ] && pass ||
    fail "at least 8 scrapes in 14 s at 1 s: $(q hist.db 'SELECT count(*) FROM scrapes')"
[ "$(q hist.db "SELECT count(*) FROM stacks WHERE top_func = 'main.leakSend'")" = 1 ] && pass ||
    fail "the leaking stack is stored once"
[ "$(q hist.db "SELECT max(c.goroutines) FROM counts c JOIN stacks s ON s.bucket_id = c.bucket_id WHERE s.top_func = 'main.worker'")" = 20 ] && pass ||
    fail "the pool's 20 workers are counted"
[ "$(q hist.db "SELECT count(*) FROM alerts WHERE kind = 'growth'")" = 1 ] && pass || fail "the alert is in the history"

# consistent DB: every count row has its scrape and its stack; every good
# scrape has as many count rows as it had buckets
consistent() {
    [ "$(q "$1" 'PRAGMA integrity_check')" = ok ] &&
        [ "$(q "$1" 'PRAGMA foreign_key_check' | wc -l)" -eq 0 ] &&
        [ "$(q "$1" 'SELECT count(*) FROM counts c LEFT JOIN scrapes s ON s.id = c.scrape_id WHERE s.id IS NULL')" = 0 ] &&
        [ "$(q "$1" 'SELECT count(*) FROM counts c JOIN scrapes s ON s.id = c.scrape_id LEFT JOIN stacks k ON k.target_id = s.target_id AND k.bucket_id = c.bucket_id WHERE k.bucket_id IS NULL')" = 0 ] &&
        [ "$(q "$1" 'SELECT count(*) FROM scrapes s WHERE s.buckets != (SELECT count(*) FROM counts c WHERE c.scrape_id = s.id)')" = 0 ]
}
consistent hist.db && pass || fail "hist.db is consistent"

# ---- --report: the history as dump's HTML report ------------------------------

run "$leakscope" watch --report --db hist.db --window 30s --growth-min 30 -o report.html
expect_status 1 "--report on a history with a leak"
expect_match report.html '^<!DOCTYPE html>' "--report writes HTML"
expect_match report.html "\"id\":\"$(jq -r .bucket alert.json)\",\"label\":\"main.leakSend\",\"verdict\":\"[^\"]*grows" "the report shows the alerted bucket growing, under the same ID"
run "$leakscope" watch --report --db hist.db --target nope
expect_status 2 "--report for an unknown target"
expect_match err.txt "no good scrapes of 'nope'" "the unknown target is named"
run "$leakscope" watch --report --db missing.db
expect_status 2 "--report without a history"
expect_match err.txt 'missing.db: cannot read the history' "the missing database is named"

# ---- SIGKILL mid-run ----------------------------------------------------------

for round in 1 2 3; do
    "$leakscope" watch --interval 100ms --db killed.db -q --blocked-scrapes 0 "$addr" "$addr/debug/pprof/goroutine?debug=1" \
        >/dev/null 2>kill_err.txt &
    kp=$!
    sleep 2
    kill -9 "$kp"
    wait "$kp" 2>/dev/null
done
[ "$(q killed.db 'SELECT count(*) > 10 FROM scrapes')" = 1 ] && pass || fail "scrapes were saved before the kills"
consistent killed.db && pass || fail "killed.db is consistent after 3 SIGKILLs: $(q killed.db 'PRAGMA integrity_check' | head -3)"

# ---- a full disk: the scrape is not saved, watching goes on ----------------

# RLIMIT_FSIZE stands in for a full disk: writes past it fail (EFBIG) as
# they would with ENOSPC; SIGXFSZ is ignored so that they fail, not kill.
(
    trap '' XFSZ
    ulimit -f 200 # 200 blocks of 512 bytes
    exec "$leakscope" watch --interval 100ms --db full.db --blocked-scrapes 0 --duration 4s --retain-size 0 "$addr"
) >/dev/null 2>full_err.txt
status=$?
expect_status 0 "watch goes on when the disk is full"
expect_match full_err.txt "full.db: the scrape of $addr was not saved" "the disk-full error names the database"
[ "$(grep -c 'was not saved' full_err.txt)" -le 2 ] && pass || fail "the disk-full error is not repeated every scrape: $(grep -c 'was not saved' full_err.txt) times"
consistent full.db && pass || fail "full.db is consistent and readable"

# ---- targets files ------------------------------------------------------------

cat >targets.yml <<EOF
interval: 1s
targets:
  - name: leaky
    url: http://$addr
    labels: {team: payments, env: test}
    thresholds: {growth_min: 30, window: 30s, blocked_scrapes: 0}
EOF
"$leakscope" watch --targets targets.yml --no-db --duration 9s >out.txt 2>err.txt &
watch_pid=$!
sleep 3
curl -sf "http://$addr/leak?n=200" >/dev/null
wait "$watch_pid"
status=$?
expect_status 1 "watch --targets that alerted"
grep '"kind":"growth"' err.txt | head -1 >alert2.json
[ "$(jq -r .target alert2.json)" = leaky ] && [ "$(jq -r .labels.team alert2.json)" = payments ] && pass ||
    fail "the alert carries the target's name and labels: $(cat err.txt | head -c 600)"
[ ! -e leakscope.db ] && pass || fail "--no-db writes no database"

printf 'targets:\n  - name: a\n    url: http://%s\n    intervall: 5s\n' "$addr" >bad.yml
run "$leakscope" watch --targets bad.yml --no-db
expect_status 2 "a targets file with an unknown key"
expect_match err.txt "bad.yml:4: unknown key 'intervall'" "the error names file, line and key"
printf 'targets:\n  - name: a\n    labels: {x: y}\n' >nourl.yml
run "$leakscope" watch --targets nourl.yml --no-db
expect_status 2 "a target without url"
expect_match err.txt "nourl.yml:2: this target has no url" "missing url, named with its line"
run "$leakscope" watch --interval 0s "$addr"
expect_status 2 "--interval 0s"

# SIGHUP: a second target appears in the history; a broken file is reported
# and the targets are kept
printf 'targets:\n  - name: one\n    url: %s\n' "$addr" >reload.yml
"$leakscope" watch --targets reload.yml --interval 500ms --db reload.db --duration 6s >/dev/null 2>reload_err.txt &
watch_pid=$!
sleep 1.5
printf 'targets:\n  - name: one\n    url: %s\n  - name: two\n    url: %s\n' "$addr" "$addr" >reload.yml
kill -HUP "$watch_pid"
sleep 1.5
printf 'targets: [\n' >reload.yml
kill -HUP "$watch_pid"
wait "$watch_pid"
[ "$(q reload.db "SELECT count(*) FROM scrapes s JOIN targets t ON t.id = s.target_id WHERE t.name = 'two'")" -ge 2 ] && pass ||
    fail "the target added by SIGHUP is scraped"
expect_match reload_err.txt 'reload failed, keeping the targets as they were: reload.yml:2' "a broken reload is reported with its line"
[ "$(q reload.db "SELECT max(time) - min(time) > 4 FROM scrapes s JOIN targets t ON t.id = s.target_id WHERE t.name = 'one'")" = 1 ] && pass ||
    fail "the old target is still scraped after a broken reload"

# ---- a target that is down: backoff -------------------------------------------

run "$leakscope" watch --interval 1s --no-db --duration 4s 127.0.0.1:1
expect_status 0 "watching a dead target"
expect_match err.txt 'target 127.0.0.1:1: .*\(failure 1; next try in 2s\)' "first failure backs off to 2 s"
expect_match err.txt '\(failure 2; next try in 4s\)' "second failure backs off to 4 s"
[ "$(grep -c 'failure' err.txt)" -le 3 ] && pass || fail "backoff limits the retries: $(cat err.txt)"

# ---- a target that accepts and never answers: --timeout --------------------------

python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >hang.port &
pids="$pids $!"
wait_for hang.port '^[0-9]+$' 5
run "$leakscope" watch --interval 1s --timeout 1s --no-db --duration 3500ms "127.0.0.1:$(cat hang.port)"
expect_status 0 "watching a target that never answers"
expect_match err.txt "target 127.0.0.1:$(cat hang.port): .*timed out after 1[0-9]{3} milliseconds.*\(failure 1; next try in 2s\)" "the scrape times out after --timeout and backs off"

# ---- the webhook ----------------------------------------------------------------

if command -v python3 >/dev/null; then
    cat >hook.py <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        H.n += 1
        body = self.rfile.read(int(self.headers['Content-Length']))
        if H.n == 1:  # the first attempt fails: the webhook is retried
            self.send_response(503); self.end_headers(); return
        open('hook.jsonl', 'ab').write(body + b'\n')
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
    python3 hook.py >hook.port &
    pids="$pids $!"
    wait_for hook.port '^[0-9]+$' 5
    "$leakscope" watch --interval 1s --window 30s --growth-min 30 --blocked-scrapes 0 --no-db \
        --webhook "http://127.0.0.1:$(cat hook.port)/alert" --duration 8s "$addr" >/dev/null 2>err.txt &
    watch_pid=$!
    sleep 3
    curl -sf "http://$addr/leak?n=300" >/dev/null
    wait "$watch_pid"
    [ -s hook.jsonl ] && [ "$(jq -r '.top_frames[0].func' hook.jsonl)" = main.leakSend ] && pass ||
        fail "the webhook got the alert after a retry: $(cat hook.jsonl 2>/dev/null) $(cat err.txt)"
fi

# ---- a slow --on-alert does not hold scraping up ----------------------------------

"$leakscope" watch --interval 500ms --window 30s --growth-min 30 --blocked-scrapes 0 --db slow.db \
    --on-alert 'sleep 4; cat >> slow.jsonl' --duration 9s "$addr" >/dev/null 2>err.txt &
watch_pid=$!
sleep 2
curl -sf "http://$addr/leak?n=300" >/dev/null
wait "$watch_pid"
after=$(q slow.db "SELECT count(*) FROM scrapes WHERE time > (SELECT time FROM alerts) AND time < (SELECT time FROM alerts) + 3.5")
[ "$after" -ge 4 ] && pass || fail "scrapes go on while --on-alert runs: $after in the 3.5 s after the alert"
[ "$(wc -l <slow.jsonl 2>/dev/null)" = 1 ] && pass || fail "the alert queued for a slow --on-alert is delivered before exit"

# ---- --format debug2: the state and the creation site --------------------------

"$leakscope" watch --format debug2 --interval 1s --window 30s --growth-min 30 --blocked-scrapes 0 --no-db \
    --duration 7s "$addr" >/dev/null 2>err.txt &
watch_pid=$!
sleep 2.5
curl -sf "http://$addr/leak?n=400" >/dev/null
wait "$watch_pid"
grep '"kind":"growth"' err.txt | head -1 >alert3.json
go_line=$(grep -n 'go leakSend(i)' "$repo/go/cmd/leakyservice/main.go" | cut -d: -f1)
[ "$(jq -r .created_by.func alert3.json)" = main.handleLeak ] && [ "$(jq -r .created_by.line alert3.json)" = "$go_line" ] && pass ||
    fail "debug2 alerts name the go statement (main.handleLeak line $go_line): $(head -c 600 err.txt)"
[ "$(jq -r .state alert3.json)" = "chan send" ] && pass || fail "debug2 alerts carry the state: $(head -c 600 alert3.json)"

finish
