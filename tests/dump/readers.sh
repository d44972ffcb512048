#!/bin/sh
# The dump readers on real dumps: tests/dump/gen_fixtures.sh runs the Go
# programs in tests/dump/progs and captures every format; the checks below
# are on what those programs guarantee (counts, states, frames, lines,
# created-by, labels, ancestors, preambles), on the same stacks read from
# debug=2, debug=1 and pprof giving identical frames, on chunk boundaries
# and stdin, and on the hand-made broken inputs in tests/dump/broken.
#
#   sh tests/dump/readers.sh DUMPREAD SOURCE_DIR GO
. "$(dirname "$0")/../lib.sh"
dumpread=$1
src=$2
go=$3
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
fx=$work/fx
if ! sh "$src/tests/dump/gen_fixtures.sh" "$fx" "$go" >gen.log 2>&1; then
    fail "gen_fixtures.sh failed: $(tail -20 gen.log)"
    finish
    exit 1
fi
progs=$src/tests/dump/progs

# want_line PROG TAG: the line of "// want: TAG" in PROG/main.go
want_line() { grep -n "// want: $2\$" "$progs/$1/main.go" | cut -d: -f1; }

# stacks FILE: one line per top-level record: COUNT|STATE|FUNC FILE:LINE;...
# (arguments, offsets and ancestors left out)
stacks() {
    awk '
        function flush() { if (have) print count "|" state "|" frames; have = 0 }
        /^g / { flush(); have = 1; frames = "";
                match($0, /count=[0-9]+/); count = substr($0, RSTART + 6, RLENGTH - 6);
                match($0, /state="[^"]*"/); state = substr($0, RSTART + 7, RLENGTH - 8) }
        /^  f / { n = split($0, w, " "); loc = w[n];
                  for (i = n; i > 2; i--) if (w[i] ~ /:[0-9]+$/) { loc = w[i]; break }
                  frames = frames w[2] " " loc ";" }
        /^stats/ { flush() }
        END { flush() }' "$1"
}

# ---- debug=2 ---------------------------------------------------------------
run "$dumpread" "$fx/goroutines.txt"
expect_status 0 "debug=2 reads"
cp out.txt d2.out
L=$(want_line leaks sender)
expect_match d2.out 'stats format=text .* goroutines=46 stacks=46 skipped=0 truncated=0' "debug=2: 46 goroutines, nothing skipped"
n=$(stacks d2.out | grep -c "^1|chan send|main.abandonSenders.func1 $progs/leaks/main.go:$L;\$")
[ "$n" -eq 25 ] && pass || fail "debug=2: $n abandoned senders at main.go:$L, want 25"
n=$(grep -c "created_by main.abandonSenders $progs/leaks/main.go:$((L - 2))" d2.out)
[ "$n" -eq 25 ] && pass || fail "debug=2: $n senders created at main.go:$((L - 2)), want 25"
n=$(grep -c '^g .*state="sync.Mutex.Lock"' d2.out)
[ "$n" -eq 5 ] && pass || fail "debug=2: $n mutex waiters, want 5"
n=$(grep -c '^g .*state="sync.Cond.Wait"' d2.out)
[ "$n" -eq 2 ] && pass || fail "debug=2: $n cond waiters, want 2"
n=$(grep -c '^g .*state="select"' d2.out)
[ "$n" -eq 4 ] && pass || fail "debug=2: $n blocked selects, want 4"
n=$(stacks d2.out | grep -c "^1|chan receive|main.forgetTickers.func1 $progs/leaks/main.go:$(want_line leaks ticker);\$")
[ "$n" -eq 3 ] && pass || fail "debug=2: $n forgotten tickers, want 3"
expect_match d2.out "^  f internal/sync.\(\*Mutex\).Lock \(\.\.\.\) /.*/internal/sync/mutex.go:[0-9]+\$" "debug=2: inlined frame (...) without offset"
expect_match d2.out '^g id=1 count=1 state="running" wait=-1' "debug=2: goroutine 1 running"

# ---- the same stacks from debug=2, debug=1 and pprof ------------------------
run "$dumpread" "$fx/goroutines.debug1"
expect_status 0 "debug=1 reads"
cp out.txt d1.out
expect_match d1.out 'stats format=debug1 .* goroutines=46 .* skipped=0 truncated=0' "debug=1: total 46"
expect_match d1.out "^g id=0 count=25 state=\"\"" "debug=1: 25 senders in one record"
run "$dumpread" "$fx/goroutines.pb.gz"
expect_status 0 "pprof reads"
cp out.txt pb.out
expect_match pb.out 'stats format=pprof .* goroutines=46 ' "pprof: 46 goroutines"
expect_match pb.out ' inlined$' "pprof: inlined frames marked"
# goroutine 1 is the one writing the profile: its stack differs between writes.
stacks d2.out | grep -v 'main.write ' | cut -d'|' -f3 | sort -u >s2
stacks d1.out | grep -v 'main.write ' | cut -d'|' -f3 | sort -u >s1
stacks pb.out | grep -v 'main.write ' | cut -d'|' -f3 | sort -u >s0
if cmp -s s2 s1; then pass; else fail "debug=2 and debug=1 stacks differ: $(diff s2 s1 | head -10)"; fi
if cmp -s s1 s0; then pass; else fail "debug=1 and pprof stacks differ: $(diff s1 s0 | head -10)"; fi
[ "$(wc -l <s0)" -ge 7 ] && pass || fail "too few distinct stacks compared: $(wc -l <s0)"
stacks d1.out | grep -v 'main.write ' | cut -d'|' -f1,3 | sort >c1
stacks pb.out | grep -v 'main.write ' | cut -d'|' -f1,3 | sort >c0
if cmp -s c1 c0; then pass; else fail "debug=1 and pprof counts differ: $(diff c1 c0 | head -10)"; fi
for f in d1.out pb.out; do
    expect_match $f '^  label job=export$' "$f: label job=export"
    expect_match $f '^  label shard=7$' "$f: label shard=7"
done

# ---- goroutineleak -----------------------------------------------------------
run "$dumpread" "$fx/goroutineleak.pb.gz"
expect_status 0 "goroutineleak pprof reads"
expect_match out.txt "^g id=0 count=25 state=\"chan send\" wait=-1 locked=0 elided=0 leak=1" "goroutineleak: 25 leaked senders, marked"
expect_match out.txt "^  f main.abandonSenders.func1 $progs/leaks/main.go:$L\$" "goroutineleak: sender frame"
run "$dumpread" "$fx/goroutineleak.debug1"
expect_match out.txt "^g id=0 count=25 .* leak=1" "goroutineleak debug=1: marked"
run "$dumpread" "$fx/goroutineleak.txt"
n=$(grep -c '^g .*state="chan send (leaked)" .* leak=1 ' out.txt)
[ "$n" -eq 25 ] && pass || fail "goroutineleak debug=2: $n leaked senders marked, want 25"
n=$(grep -c '^g .* leak=1 ' out.txt)
[ "$n" -eq 25 ] && pass || fail "goroutineleak debug=2: $n goroutines marked leaked, want 25"

# ---- ancestors and labels in tracebacks ----------------------------------------
run "$dumpread" "$fx/anc/goroutines.txt"
expect_status 0 "ancestors dump reads"
expect_match out.txt '^  label job=export$' "tracebacklabels=1: header labels"
n=$(grep -c '^g .*state="chan receive"' out.txt)
[ "$n" -ge 8 ] && pass || fail "ancestors dump: $n chan receive, want >= 8"
C=$(want_line leaks chain)
# the deepest chain goroutine has 3 ancestors: 62, 61 and 1
awk -v l="main.go:$C" '/^g /{top=1; next} top && /^  f main.chain/ && index($0, l) {found=1} {top=0}
    found && /^  ancestor$/ {a++} found && /^stats|^g /{exit} END{print a+0}' out.txt >anc.n
[ "$(cat anc.n)" -eq 3 ] && pass || fail "chain leaf: $(cat anc.n) ancestors, want 3"
expect_match out.txt '^    f main.chain \(\.\.\.\) /' "ancestor frames"

# ---- crashes -------------------------------------------------------------------
run "$dumpread" "$fx/deadlock.txt"
expect_match out.txt 'goroutines=5 stacks=5 skipped=0 truncated=0 .*preamble="fatal error: all goroutines are asleep - deadlock!"' "deadlock: preamble, 5 goroutines"
n=$(stacks out.txt | grep -c "^1|chan receive|main.main.func1 $progs/deadlock/main.go:$(want_line deadlock worker);\$")
[ "$n" -eq 4 ] && pass || fail "deadlock: $n workers, want 4"
expect_match out.txt '^g id=1 count=1 state="sync.WaitGroup.Wait"' "deadlock: main in WaitGroup.Wait"
run "$dumpread" "$fx/panicall.txt"
expect_match out.txt 'skipped=0 truncated=0 .*preamble="panic: boom: leakscope fixture"' "panic: preamble"
n=$(grep -c '^g .*state="chan send"' out.txt)
[ "$n" -eq 6 ] && pass || fail "panic: $n blocked senders, want 6"
expect_match out.txt "^  f main.explode \(\.\.\.\) $progs/panicall/main.go:$(want_line panicall panic)\$" "panic: panicking frame"
run "$dumpread" "$fx/crash.txt"
expect_match out.txt 'skipped=0 truncated=0 .*preamble="panic: runtime error: invalid memory address or nil pointer dereference"' "crash: preamble"
expect_match out.txt '^  f runtime.goexit \(\{\}\) /.*asm_amd64.s:[0-9]+ \+0x1$' "crash: runtime.goexit kept"
expect_match out.txt '^  f runtime.gopanic \(' "crash: panic() read as runtime.gopanic"
expect_match out.txt '^g id=[0-9]+ count=1 state="force gc \(idle\)"' "crash: system goroutine with gp= header"
n=$(grep -c "^  f main.waiter (...) $progs/crash/main.go:$(want_line crash waiter)\$" out.txt)
[ "$n" -eq 3 ] && pass || fail "crash: $n waiters, want 3"
run "$dumpread" "$fx/quit.txt"
expect_match out.txt 'skipped=0 truncated=0 .*preamble="SIGQUIT: quit"' "SIGQUIT: preamble, registers not junk"
expect_match out.txt '^g id=0 count=1 state="idle"' "SIGQUIT: goroutine 0 of an M"

# ---- the real crash output as a container log keeps it: every line prefixed --------
# with an RFC 3339 time whose nanoseconds drop trailing zeros (kubectl logs
# --timestamps, containerd), so the prefix's width varies from line to line.
for f in crash.txt quit.txt deadlock.txt; do
    awk '{ ns = (NR * 7919) % 1000000000; s = sprintf("%09d", ns); sub(/0+$/, "", s);
           if (NR % 5 == 0) s = substr(s, 1, NR % 9 + 1);
           printf "2026-11-23T10:00:%02d.%sZ stderr F %s\n", NR % 60, s, $0 }' "$fx/$f" >pfx.txt
    "$dumpread" "$fx/$f" | sed 's/ line=[0-9]*//' >plain.out
    "$dumpread" pfx.txt | sed 's/ line=[0-9]*//; s/ bytes=[0-9]*//' >pfx.out
    grep -v '^stats' plain.out >a.out
    grep -v '^stats' pfx.out >b.out
    if cmp -s a.out b.out; then pass; else fail "$f with log prefixes: records differ: $(diff a.out b.out | head -5)"; fi
    want=$(grep '^stats' plain.out | sed 's/.* goroutines=/goroutines=/')
    expect_match pfx.out "^stats .* $(printf '%s' "$want" | sed 's/[][\\.*^$()|+?{}]/\\&/g')\$" "$f with log prefixes: same counts and preamble"
done

# ---- chunk boundaries and stdin: the same records ----------------------------------
for f in goroutines.txt goroutines.debug1 goroutines.pb.gz crash.txt anc/goroutines.txt; do
    "$dumpread" "$fx/$f" | grep -v '^stats' >whole.out
    for c in 1 7 4093; do
        "$dumpread" --chunk=$c "$fx/$f" | grep -v '^stats' >chunk.out
        if cmp -s whole.out chunk.out; then pass; else fail "$f in chunks of $c differs: $(diff whole.out chunk.out | head -5)"; fi
    done
    "$dumpread" - <"$fx/$f" | grep -v '^stats' >stdin.out
    if cmp -s whole.out stdin.out; then pass; else fail "$f from stdin differs"; fi
done

# ---- broken inputs ----------------------------------------------------------------
b=$src/tests/dump/broken
run "$dumpread" "$b/truncated.txt"
expect_status 0 "truncated: not fatal"
expect_match out.txt 'goroutines=3 stacks=3 skipped=1 truncated=2 first_problem_line=11' "truncated: 3 kept, 2 marked"
run "$dumpread" "$b/junk.txt"
expect_match out.txt 'goroutines=2 stacks=2 skipped=4 truncated=0 first_problem_line=1 first_problem="not part of a goroutine dump"' "junk: 4 lines skipped"
expect_match out.txt '^g id=7 count=1 state="select" wait=12 locked=1' "junk: header extras"
expect_match out.txt '^g id=8 count=1 state="chan receive" wait=47 locked=0 elided=1' "junk: elided"
expect_match out.txt '^  f main.main.gowrap1 \(\) /src/app/main.go:9 \+0x25$' "junk: frame after an interleaved line"
run "$dumpread" "$b/crlf.txt"
expect_match out.txt 'goroutines=2 stacks=2 skipped=0' "CRLF: read"
expect_match out.txt '^  f main.main \(\) C:/src/app/main.go:5 \+0x9$' "CRLF: Windows path"
run "$dumpread" "$b/prefixed.txt"
expect_match out.txt 'goroutines=2 stacks=2 skipped=1 truncated=0' "log prefix: stripped"
n=$(grep -c '^  f main.produce (0xc0000100[06]0) /src/app/produce.go:33 +0x3c$' out.txt)
[ "$n" -eq 2 ] && pass || fail "log prefix: $n frames, want 2"
run "$dumpread" "$b/mixed.txt"
expect_match out.txt 'goroutines=3 stacks=3 skipped=0 truncated=0 first_problem_line=0 first_problem="" preamble="panic: first \[recovered\]"' "mixed: runtime stack and nested panics are not junk"
expect_match out.txt '^g id=1 count=1 state="syscall" wait=3 locked=1 ' "mixed: gp= header, no frames"
expect_match out.txt '^g id=5 count=1 state="running" ' "mixed: stack unavailable"
expect_match out.txt '^g id=6 count=1 state="chan receive" wait=9 locked=0 elided=1 ' "mixed: N frames elided, synctest bubble"
expect_match out.txt '^  label req=a\\"b$' "mixed: quoted label kept escaped"
expect_match out.txt '^  f main.deep \(0x0\) /src/app/deep.go:4 \+0x1d$' "mixed: blank-indented file line"
run "$dumpread" "$b/empty.txt"
expect_status 0 "empty: not an error"
expect_match out.txt 'goroutines=0 stacks=0 skipped=0' "empty: nothing"
run "$dumpread" "$b/garbage.bin"
expect_status 2 "binary garbage: input error"
expect_match err.txt "garbage.bin: malformed pprof profile at byte [0-9]+: " "binary garbage: message names file and byte"
head -c 700 "$fx/goroutines.pb.gz" >cut.pb.gz
run "$dumpread" cut.pb.gz
expect_status 2 "truncated gzip: input error"
expect_match err.txt '^cut.pb.gz: truncated gzip stream \(ends at byte 700\)$' "truncated gzip: message"
{ head -c 20 "$fx/goroutines.pb.gz"; printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'; tail -c +57 "$fx/goroutines.pb.gz"; } >bad.pb.gz
run "$dumpread" bad.pb.gz
expect_status 2 "corrupt gzip: input error"
expect_match err.txt '^bad.pb.gz: (corrupt gzip stream at byte [0-9]+|malformed pprof profile at byte [0-9]+ of the inflated data): ' "corrupt gzip: message names the byte"
# a 10 MB line between two stanzas: skipped, memory stays bounded
{ cat "$b/crlf.txt"; head -c 10000000 /dev/zero | tr '\0' 'x'; echo; cat "$b/crlf.txt"; } >long.txt
run "$dumpread" long.txt
expect_match out.txt 'goroutines=4 stacks=4 skipped=1 truncated=0 first_problem_line=12 first_problem="line longer than 1 MiB skipped"' "10 MB line skipped"
run "$dumpread" --chunk=20000000 long.txt
expect_match out.txt 'goroutines=4 stacks=4 skipped=1 truncated=0 first_problem_line=12 first_problem="line longer than 1 MiB skipped"' "10 MB line in one chunk skipped"
# ---- http:// (libcurl), served by a local python3 web server ----------------------
if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import http.server, socketserver, os, sys
os.chdir(sys.argv[1])
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), Quiet) as s:
    open(sys.argv[2], "w").write(str(s.server_address[1]))
    s.serve_forever()' "$fx" "$work/port" &
    server=$!
    i=0
    while [ ! -s "$work/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    url=http://127.0.0.1:$(cat "$work/port")
    "$dumpread" "$fx/goroutines.pb.gz" | grep -v '^stats' >whole.out
    "$dumpread" "$url/goroutines.pb.gz" | grep -v '^stats' >http.out
    if [ -s http.out ] && cmp -s whole.out http.out; then pass; else fail "http: records differ from the file's"; fi
    run "$dumpread" "$url/missing.txt"
    expect_status 2 "http 404: input error"
    expect_match err.txt "^$url/missing.txt: HTTP request failed: .*404" "http 404: message names the URL"
    kill "$server"
    server=
else
    echo "note: python3 not found; http:// source not tested"
fi

run "$dumpread" /nonexistent/dump.txt
expect_status 2 "missing file"
expect_match err.txt '^/nonexistent/dump.txt: cannot open: No such file or directory$' "missing file: message"

finish
