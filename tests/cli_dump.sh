#!/bin/sh
# `leakscope dump` as a program (docs/dump.md): inputs of every format from
# a real Go program (tests/dump/progs/leaks, run with go run), suspects and
# their reasons, ignores, --fail-on, the same bucket IDs across formats, a
# series of real stanzas replicated with new IDs, read errors, flags.
#
# usage: cli_dump.sh LEAKSCOPE_BINARY SOURCE_DIR GO
set -u
. "$(dirname "$0")/lib.sh"
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
go=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_dump.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/fx" "$work/leak" && (cd "$src/tests/dump/progs" && "$go" run ./leaks "$work/fx" && \
    GOEXPERIMENT=goroutineleakprofile "$go" run ./leaks "$work/leak") >"$work/go.log" 2>&1 ||
    { echo "FAIL: go run ./leaks: $(tail -5 "$work/go.log")"; exit 1; }
cd "$work" || exit 2
fx=$work/fx
# the lines the program marks with "// want: KIND"
want_line() { grep -n "// want: $1" "$src/tests/dump/progs/leaks/main.go" | head -1 | cut -d: -f1; }
sender_line=$(want_line sender)
mutex_line=$(want_line mutex)

# ---- one debug=2 dump: the leaks program's goroutines ----
run "$leakscope" dump --no-color "$fx/goroutines.txt"
expect_status 1 "suspects fail by default (--fail-on 1)"
expect_match out.txt '^46 goroutines in 9 buckets \(.*goroutines.txt, text\)$' "total first"
expect_match out.txt '^LEAK SUSPECTS: 2 buckets, 30 goroutines$' "suspects heading"
expect_match out.txt '^ 1\. 25 goroutines blocked in chan send on one stack; created by main\.abandonSenders at main\.go:[0-9]+$' "sender reason"
expect_match out.txt '^ 2\. 5 goroutines blocked in sync\.Mutex\.Lock on one stack; created by main\.waitMutex at main\.go:[0-9]+$' "mutex reason"
expect_match out.txt '^ +25  chan send  [0-9a-f]{16}  SUSPECT$' "bucket line"
expect_match out.txt "^    at main\\.abandonSenders\\.func1  main\\.go:$sender_line\$" "the sender's frame"
expect_match out.txt 'created by main\.chain  main\.go:[0-9]+  \(creator bucket [0-9a-f]{16}\)' "creator bucket"
expect_no_match out.txt "$(printf '\033')" "no colors when not a terminal"
expect_empty err.txt "no warnings on a clean dump"

run "$leakscope" dump --fail-on 31 "$fx/goroutines.txt"
expect_status 0 "30 suspect goroutines < --fail-on 31"
run "$leakscope" dump --fail-on 30 "$fx/goroutines.txt"
expect_status 1 "30 suspect goroutines >= --fail-on 30"
run "$leakscope" dump --fail-on 0 "$fx/goroutines.txt"
expect_status 0 "--fail-on 0 never fails"

run "$leakscope" dump --ignore-top main.abandonSenders.func1 --ignore-stack "main\\.waitMutex\\.func1 .*main\\.go:$mutex_line\$" "$fx/goroutines.txt"
expect_status 0 "both suspects ignored"
expect_match out.txt '^No leak suspects\.$' "no suspects left"
expect_match out.txt 'ignored: --ignore-top main\.abandonSenders\.func1' "the rule is named"
run "$leakscope" dump --ignore-stack 'main.(waitMutex' "$fx/goroutines.txt"
expect_status 2 "bad regular expression"
expect_match err.txt "--ignore-stack 'main.\(waitMutex'" "names the expression"

run "$leakscope" dump --min-count 1 --fail-on 0 "$fx/goroutines.txt"
expect_match out.txt '^LEAK SUSPECTS: 8 buckets, 45 goroutines$' "--min-count 1: every blocked bucket"

run "$leakscope" dump --group func --top 3 "$fx/goroutines.txt"
expect_match out.txt '^46 goroutines in 8 buckets' "--group func merges the two main.chain stacks"
expect_match out.txt '^TOP BUCKETS \(3 of 8\)$' "--top"

# ---- terminals: colors only on one, unless NO_COLOR or --no-color; widths ----
if command -v script >/dev/null 2>&1; then
    COLUMNS=40 script -qc "'$leakscope' dump --top 2 '$fx/goroutines.txt'" /dev/null >tty.txt 2>&1
    expect_match tty.txt "$(printf '\033')\\[31m" "colors on a terminal"
    NO_COLOR=1 COLUMNS=40 script -qc "'$leakscope' dump --top 2 '$fx/goroutines.txt'" /dev/null >tty.txt 2>&1
    expect_no_match tty.txt "$(printf '\033')" "NO_COLOR"
    COLUMNS=40 script -qc "'$leakscope' dump --no-color --top 2 '$fx/goroutines.txt'" /dev/null >tty.txt 2>&1
    expect_no_match tty.txt "$(printf '\033')" "--no-color"
else
    fail "script(1) not found (util-linux): cannot test terminal output"
fi
COLUMNS=40 "$leakscope" dump --top 3 "$fx/goroutines.txt" >out.txt
# every line but the suspects' reasons (which wrap) fits in 40 columns; … is one
long=$(grep -v '^ *[0-9][0-9]*\. ' out.txt | sed 's/…/./g' | awk 'length($0) > 40' | head -3)
if [ -z "$long" ]; then pass; else fail "lines wider than COLUMNS=40: $long"; fi
expect_match out.txt '…$' "long lines are cut with …"

# ---- the same bucket IDs from debug=2, debug=1 and protobuf ----
# (but for main, which is busy writing a different profile each time)
for f in goroutines.txt goroutines.debug1 goroutines.pb.gz; do
    "$leakscope" dump --format json --fail-on 0 "$fx/$f" >"$f.json" 2>"$f.err"
    jq -r '[.buckets[] | select([.frames[].func] | index("main.main") | not) | "\(.count) \(.id)"] | sort | join(" ")' "$f.json" >"$f.ids"
done
if cmp -s goroutines.txt.ids goroutines.debug1.ids && cmp -s goroutines.txt.ids goroutines.pb.gz.ids &&
    [ -s goroutines.txt.ids ]; then pass; else
    fail "bucket IDs differ across formats: $(cat goroutines.txt.ids) / $(cat goroutines.debug1.ids) / $(cat goroutines.pb.gz.ids)"
fi
expect_match goroutines.txt.json '^\{"version":1,' "JSON version first"
if jq -e '.total == 46 and (.buckets | length) == 9 and all(.buckets[]; .id | test("^[0-9a-f]{16}$"))
          and (.suspects[0].reason | startswith("25 goroutines blocked in chan send"))
          and .suspect_goroutines == 30 and .series == null' goroutines.txt.json >/dev/null; then pass; else
    fail "JSON document: $(head -c 400 goroutines.txt.json)"
fi
if jq -e '.buckets[] | select(.count == 3 and .labels.job == "export") | .labels.shard == "7"' goroutines.debug1.json >/dev/null; then
    pass; else fail "debug=1 labels in JSON"; fi

# debug=1 records no states: sync waits are recognised from the frames
run "$leakscope" dump --no-color --top 0 "$fx/goroutines.debug1"
expect_match out.txt '^           labels: job=export shard=7$' "labels (debug=2 prints none by default)"
expect_match out.txt '^ 1\. 5 goroutines blocked in sync\.Mutex\.Lock on one stack$' "state from frames"

# ---- the goroutineleak profile ----
run "$leakscope" dump --no-color "$work/leak/goroutineleak.pb.gz"
expect_status 1 "leak profile suspects"
expect_match out.txt "^ 1\. 25 goroutines blocked in chan send on one stack; reported by the runtime's goroutineleak profile" "leak profile reason"

# goroutineleak as debug=2: states end in " (leaked)"
run "$leakscope" dump --no-color "$work/leak/goroutineleak.txt"
expect_match out.txt "^ 1\\. 25 goroutines blocked in chan send \\(leaked\\) on one stack; reported by the runtime's goroutineleak profile" "leaked senders in debug=2"

# ---- a runtime deadlock: every blocked goroutine is a suspect ----
(cd "$src/tests/dump/progs" && "$go" run ./deadlock) >deadlock.txt 2>&1
run "$leakscope" dump --no-color deadlock.txt
expect_status 1 "deadlock suspects"
expect_match out.txt '^  fatal error: all goroutines are asleep - deadlock!$' "the preamble is shown"
expect_match out.txt '^ 2\. 1 goroutine blocked in sync\.WaitGroup\.Wait on one stack; the runtime found every goroutine asleep \(deadlock\)$' "a single goroutine is a suspect in a deadlock"

# ---- a series: real stanzas replicated with new IDs, 1 minute apart ----
i=0
for senders in 25 100 175 250 325; do
    awk -v K=$((senders - 24)) 'BEGIN { RS = ""; ORS = "\n\n" }
        /\[chan send\]/ && !done { for (j = 0; j < K; j++) { s = $0; sub(/^goroutine [0-9]+ /, "goroutine " 100000 + j " ", s); print s }; done = 1; next }
        { print }' "$fx/goroutines.txt" >"dump-2026-11-23T10:0${i}:00Z.txt"
    i=$((i + 1))
done
run "$leakscope" dump --no-color dump-2026-11-23T10:0*.txt
expect_status 1 "growth alerts"
expect_match out.txt '^SERIES: 5 snapshots over 4m0s$' "series heading"
expect_match out.txt '^  [0-9a-f]{16}    325     \+75\.0  grows linearly \(fit 1\.00\)  ALERT \+300 \(\+1200%\) in 4m0s, from 25 to 325$' "growth verdict and alert"
expect_match out.txt '^  ALERT blocked goroutines at [0-9]+% of all' "blocked share alert"
expect_match out.txt 'counts: 25 100 175 250 325$' "counts per snapshot"
expect_match out.txt '325 goroutines blocked in chan send on one stack; grows linearly \(fit 1\.00\), \+75\.0 per minute' "growth in the reason"
run "$leakscope" dump --format json --growth-min 400 --blocked-snapshots 0 --fail-on 0 dump-2026-11-23T10:0*.txt
if jq -e '.series.thresholds.growth_min == 400 and ([.series.buckets[] | select(.alert)] | length) == 0
          and .series.points[4].time - .series.points[0].time == 240 and .series.times_assumed == false
          and .series.buckets[0].slope_per_minute == 75' out.txt >/dev/null; then pass; else
    fail "series JSON with thresholds: $(head -c 600 out.txt)"; fi
# no timestamps in the names: file order, assumed a minute apart; --interval sets the step
cp dump-2026-11-23T10:00:00Z.txt a.txt && cp dump-2026-11-23T10:04:00Z.txt b.txt
run "$leakscope" dump --no-color --interval 10m a.txt b.txt
expect_match out.txt '^SERIES: 2 snapshots over 10m0s$' "--interval"
expect_match out.txt '^  [0-9a-f]{16}    325     \+30\.0  grows  ALERT \+300' "compared pairwise beyond the window"
run "$leakscope" dump --no-color a.txt b.txt
expect_match out.txt 'no timestamps: assumed one minute apart' "times assumed"

# unix seconds in the names; modification times
cp dump-2026-11-23T10:00:00Z.txt g.1795428000.txt && cp dump-2026-11-23T10:02:00Z.txt g.1795428120.txt
run "$leakscope" dump --no-color g.1795428120.txt g.1795428000.txt
expect_match out.txt '^SERIES: 2 snapshots over 2m0s$' "unix seconds in file names, sorted oldest first"
expect_match out.txt 'counts: 25 175$' "oldest first"
touch -d '2026-11-23 10:00:00' a.txt && touch -d '2026-11-23 10:03:00' b.txt
run "$leakscope" dump --no-color --time-from mtime b.txt a.txt
expect_match out.txt '^SERIES: 2 snapshots over 3m0s$' "--time-from mtime"
run "$leakscope" dump --no-color --time-from name a.txt b.txt
expect_match err.txt 'not every input has a file name timestamp' "--time-from name without timestamps says so"

# ---- bad input: named, the rest still read ----
run "$leakscope" dump --no-color "$src/tests/dump/testdata/junk.txt"
expect_status 1 "junk lines are skipped, not fatal"
expect_match err.txt 'junk\.txt:[0-9]+: .*skipped [0-9]+ line' "skipped lines are reported with file and line"
expect_match out.txt '^ 1\. 2 goroutines blocked in chan send for 47-312 minutes on one stack; created by main\.lookup at main\.go:19$' "waits in the reason"
run "$leakscope" dump --fail-on 0 no-such-file.txt "$fx/goroutines.txt"
expect_status 2 "an unreadable input is an input error"
expect_match err.txt 'no-such-file\.txt' "names the file"
expect_match out.txt '^46 goroutines in 9 buckets' "the other input is still reported"
printf 'this is not a goroutine dump\n' >notadump.txt
: >empty.txt
run "$leakscope" dump --fail-on 0 notadump.txt empty.txt "$fx/goroutines.txt"
expect_status 2 "an input with no goroutine is an input error"
expect_match err.txt 'notadump\.txt: no goroutine found' "names the file that holds no goroutine"
expect_match err.txt 'empty\.txt: no goroutine found \(0 bytes read\)' "an empty file says so"
expect_match out.txt '^46 goroutines in 9 buckets' "the good input is still reported"
run "$leakscope" dump --fail-on 0 http://127.0.0.1:9/debug/pprof/goroutine "$fx/goroutines.txt"
expect_status 2 "an endpoint that cannot be reached is an input error"
expect_match err.txt 'http://127\.0\.0\.1:9/debug/pprof/goroutine' "names the URL"
# an http:// endpoint (a static server standing in for /debug/pprof/goroutine)
if command -v python3 >/dev/null 2>&1; then
    (cd "$fx" && exec python3 -u -m http.server 0 --bind 127.0.0.1) >http.log 2>&1 &
    server=$!
    port=
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' http.log | head -1)
        [ -n "$port" ] && break
        sleep 0.25
    done
    run "$leakscope" dump --no-color --fail-on 0 "http://127.0.0.1:$port/goroutines.pb.gz"
    expect_status 0 "an http:// input"
    expect_match out.txt "^46 goroutines in 9 buckets \\(http://127\\.0\\.0\\.1:$port/goroutines\\.pb\\.gz, pprof\\)$" "read over HTTP"
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
else
    fail "python3 not found: cannot serve a dump over HTTP"
fi
"$leakscope" dump --fail-on 0 - <"$fx/goroutines.txt" >out.txt 2>err.txt
status=$?
expect_status 0 "stdin"
expect_match out.txt '^46 goroutines in 9 buckets \(-, text\)' "stdin read"

# ---- flags ----
run "$leakscope" dump --help
expect_status 0 "--help"
expect_match out.txt '^usage: leakscope dump \[flags\] FILE\|-\|URL\.\.\.' "usage"
run "$leakscope" dump --format yaml x
expect_status 2 "bad --format"
expect_match err.txt "--format wants text, json or html, not 'yaml'" "says what it wants"
run "$leakscope" dump
expect_status 2 "no input"
run "$leakscope" dump --window 5 --interval 0 x
expect_status 2 "bad --interval"

# ---- HTML: one file, nothing from the network ----
run "$leakscope" dump --format html -o page.html --fail-on 0 dump-2026-11-23T10:0*.txt
expect_status 0 "html written"
expect_match page.html '<table id="buckets">' "bucket table"
expect_match page.html '<details><summary>main\.abandonSenders\.func1' "expandable stacks"
expect_match page.html 'id="series-data"' "series data for the chart"
expect_no_match page.html '(src|href)="(https?:)?//' "no network references"

finish
