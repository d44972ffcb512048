#!/bin/sh
# Tests of `leakscope probe -- CMD` and `-p PID` (docs/probe.md) with real
# eBPF uprobes, on tests/probe/testdata/leaky built by the test: plain,
# stripped and PIE with the installed Go, plain and stripped with go1.25,
# go1.24 and go1.22 when GOTOOLCHAIN can get them (a SKIP line says when it
# cannot).  The program leaks -leak N goroutines at its LEAK-SITE line
# (chan receive), more in a select and on a mutex when asked, and starts
# -done M that finish; the probe must report exactly those counts, lines
# and wait reasons and none at DONE-SITE, 0 for -leak 0, apply
# --max-leaked, leave the program's output unchanged, write --buckets as
# `leakscope dump --format json` does for a SIGQUIT traceback of the same
# program (same bucket IDs and counts), and leave no BPF program behind.
#
# Needs root (or CAP_BPF + CAP_PERFMON) and a kernel with BTF and uprobes;
# without them the test is skipped (exit 77) saying which is missing.
#
# usage: cli_probe_trace.sh LEAKSCOPE_BINARY SOURCE_DIR GO_BINARY

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
go=$3
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_probe_trace.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cp "$src/tests/probe/testdata/leaky/go.mod" "$src/tests/probe/testdata/leaky/main.go" "$work"/
cd "$work" || exit 2
export GOFLAGS= GOWORK=off GO111MODULE=on

leak_line=$(grep -n 'LEAK-SITE' main.go | cut -d: -f1)
done_line=$(grep -n 'DONE-SITE' main.go | cut -d: -f1)
select_line=$(grep -n 'SELECT-SITE' main.go | cut -d: -f1)
mutex_line=$(grep -n 'MUTEX-SITE' main.go | cut -d: -f1)

GOTOOLCHAIN=local "$go" build -o plain . || exit 2
if [ "$(id -u)" -ne 0 ] && ! grep -q 'CapEff:.*' /proc/self/status; then
    echo "SKIP: not root: leakscope probe needs root or CAP_BPF and CAP_PERFMON"
    exit 77
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
    echo "SKIP: /sys/kernel/btf/vmlinux missing: the kernel has no BTF"
    exit 77
fi
"$leakscope" probe -- ./plain -leak 0 -done 0 >/dev/null 2>probe_err.txt
if grep -q 'CAP_BPF\|Operation not permitted\|cannot load the BPF program\|cannot attach' probe_err.txt; then
    echo "SKIP: the kernel refused the probe: $(head -c 300 probe_err.txt)"
    exit 77
fi

# check_leaks BINARY LEAK DONE: the report and the exit statuses
check_leaks() {
    bin=$1 leak=$2 done=$3
    run "$leakscope" probe --max-leaked "$leak" -- "./$bin" -leak "$leak" -done "$done"
    expect_status 0 "$bin -leak $leak: --max-leaked $leak"
    expect_match out.txt "^leaked $leak finished $done\$" "$bin -leak $leak: the program's output"
    expect_match err.txt "^leakscope probe: [^ ]*/$bin \\(pid [0-9]+, go[0-9.]+\\): $leak goroutines alive at its exit" "$bin -leak $leak: live count"
    if [ "$leak" -gt 0 ]; then
        expect_match err.txt "^ +$leak  [^ ]*/main\\.go:$leak_line +main\\.blockForever +chan receive " "$bin -leak $leak: $leak at main.go:$leak_line in main.blockForever, chan receive"
    fi
    expect_no_match err.txt "main\\.go:$done_line " "$bin: nothing alive from DONE-SITE (main.go:$done_line)"
    expect_match err.txt "ended ([0-9]+),.* events lost \\(ring buffer full\\) 0, records lost \\(map full\\) 0, unreadable g 0" "$bin: nothing lost"
    ended=$(sed -n 's/.*, ended \([0-9]*\),.*/\1/p' err.txt)
    if [ "${ended:-0}" -ge "$done" ]; then pass; else fail "$bin: ended $ended, want at least $done"; fi
    if [ "$leak" -gt 0 ]; then
        run "$leakscope" probe --max-leaked $((leak - 1)) -- "./$bin" -leak "$leak" -done "$done"
        expect_status 1 "$bin -leak $leak: --max-leaked $((leak - 1))"
        expect_match err.txt "$leak goroutines leaked, more than --max-leaked $((leak - 1))" "$bin: says why it fails"
    fi
}

# user_buckets FILE: the program's own buckets (created by main.*) of a
# dump JSON document, one line each: ID, count, state, go statement,
# suspect; sorted
user_buckets() {
    jq -r '.buckets[] | select((.created_by.func // "") | startswith("main."))
        | "\(.id) \(.count) \(.state) \(.created_by.file | split("/") | last):\(.created_by.line) \(.suspect)"' "$1" | sort
}

# sigquit_dump BIN ARGS...: runs the program, takes its own traceback of
# every goroutine (SIGQUIT) once they are started, into quit-BIN.txt
sigquit_dump() {
    qbin=$1
    shift
    "./$qbin" "$@" -hold 5s >/dev/null 2>"quit-$qbin.txt" &
    qpid=$!
    sleep 1
    kill -QUIT "$qpid"
    wait "$qpid"
}

# check_reasons_and_join BIN: three wait reasons at their lines, exactly;
# and the --buckets file joins `leakscope dump` of the same program: the
# same buckets (IDs, counts, states, go statements, suspects)
check_reasons_and_join() {
    bin=$1
    args="-leak 5 -leak-select 2 -leak-mutex 1 -done 2"
    run "$leakscope" probe --max-leaked 8 --buckets "buckets-$bin.json" -- "./$bin" $args
    expect_status 0 "$bin $args: --max-leaked 8"
    expect_match err.txt "^leakscope probe: [^ ]*/$bin \\(pid [0-9]+, go[0-9.]+\\): 8 goroutines alive at its exit" "$bin $args: 8 alive"
    expect_match err.txt "^ +5  [^ ]*/main\\.go:$leak_line +main\\.blockForever +chan receive " "$bin: 5 at main.go:$leak_line, chan receive"
    expect_match err.txt "^ +2  [^ ]*/main\\.go:$select_line +main\\.blockInSelect +select " "$bin: 2 at main.go:$select_line, select"
    expect_match err.txt "^ +1  [^ ]*/main\\.go:$mutex_line +main\\.blockOnMutex +sync\\.Mutex\\.Lock " "$bin: 1 at main.go:$mutex_line, sync.Mutex.Lock"
    expect_no_match err.txt "main\\.go:$done_line " "$bin: nothing alive from DONE-SITE"
    if ! command -v jq >/dev/null 2>&1; then
        echo "note: jq not installed; the --buckets join is not checked"
        return
    fi
    sed -n 's/.*stack (bucket \([0-9a-f]*\)):.*/\1/p' err.txt | sort >"text-ids-$bin.txt"
    sigquit_dump "$bin" $args
    "$leakscope" dump --format json "quit-$bin.txt" >"dump-$bin.json"
    ours=$(user_buckets "buckets-$bin.json")
    theirs=$(user_buckets "dump-$bin.json")
    want="5 chan receive main.go:$leak_line true
1 sync.Mutex.Lock main.go:$mutex_line false
2 select main.go:$select_line false"
    got=$(echo "$ours" | cut -d' ' -f2- | sort)
    if [ "$got" = "$(echo "$want" | sort)" ]; then pass; else fail "$bin --buckets: got '$got', want '$want'"; fi
    if [ "$ours" = "$theirs" ]; then pass; else
        fail "$bin --buckets: differs from leakscope dump of its SIGQUIT traceback: probe '$ours', dump '$theirs'"
    fi
    if [ "$(echo "$ours" | cut -d' ' -f1 | sort)" = "$(cat "text-ids-$bin.txt")" ]; then pass; else
        fail "$bin --buckets: IDs differ from the text report's: $(cat "text-ids-$bin.txt" | tr '\n' ' ')"
    fi
    if [ "$(jq -c .suspects "buckets-$bin.json")" = "$(jq -c .suspects "dump-$bin.json")" ]; then pass; else
        fail "$bin --buckets: suspects differ: $(jq -c .suspects "buckets-$bin.json") vs $(jq -c .suspects "dump-$bin.json")"
    fi
}

# the same output with and without the probe
./plain -leak 2 -done 3 >without.txt 2>&1
"$leakscope" probe -- ./plain -leak 2 -done 3 >with.txt 2>/dev/null
if cmp -s without.txt with.txt; then pass; else fail "the program's output changed under the probe"; fi

GOTOOLCHAIN=local "$go" build -ldflags='-s -w' -o stripped . || exit 2
GOTOOLCHAIN=local "$go" build -buildmode=pie -o pie . || exit 2
for b in plain stripped pie; do
    check_leaks "$b" 3 5
    check_reasons_and_join "$b"
done
check_leaks plain 0 4
check_leaks plain 7 0

# two Go versions besides the installed one, fetched through the module
# proxy (GOTOOLCHAIN); $others lists the binaries built with them
others=
for tc in go1.25.14 go1.24.13 go1.22.12; do
    if ! GOTOOLCHAIN=$tc "$go" version >tc_err.txt 2>&1; then
        echo "SKIP $tc: GOTOOLCHAIN=$tc go version failed (no module proxy or cache?): $(head -c 300 tc_err.txt)"
        continue
    fi
    GOTOOLCHAIN=$tc "$go" build -o "plain-$tc" . && GOTOOLCHAIN=$tc "$go" build -ldflags='-s -w' -o "stripped-$tc" . ||
        { fail "build with $tc"; continue; }
    for b in "plain-$tc" "stripped-$tc"; do
        if "$go" version "$b" | grep -q ": $tc\$"; then pass; else fail "$b: built by $("$go" version "$b"), want $tc"; fi
        check_leaks "$b" 3 5
        check_reasons_and_join "$b"
    done
    others="$others plain-$tc stripped-$tc"
done

# -p PID: goroutines started after the attach are seen
./plain -delay 1s -hold 300ms -leak 4 -done 2 >/dev/null &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do # until the shell's fork has exec'd plain
    case $(readlink "/proc/$pid/exe") in */plain) break ;; esac
    sleep 0.05
done
run "$leakscope" probe --max-leaked 4 --buckets p-buckets.json -p "$pid"
expect_status 0 "-p: --max-leaked 4"
if command -v jq >/dev/null 2>&1; then
    got=$(jq -r '"\(.inputs[0].pid) \([.buckets[] | select(.created_by.func == "main.main") | .count] | add)"' p-buckets.json)
    if [ "$got" = "$pid 4" ]; then pass; else fail "-p --buckets: got '$got', want '$pid 4'"; fi
fi
expect_match err.txt "^ +4  [^ ]*/main\\.go:$leak_line +main\\.blockForever +chan receive " "-p: 4 at main.go:$leak_line, chan receive"
expect_match err.txt "4 goroutines alive at its exit" "-p: the process's end is noticed"
wait "$pid"

# -p PID: the goroutines already running at the attach are seen (read from
# the runtime's allgs), and a Go program the process starts is followed
./plain -hold 1500ms -leak 3 -done 0 -child ./plain >p_out.txt &
pid=$!
for _ in $(seq 40); do # until plain has started its goroutines
    case $(readlink "/proc/$pid/exe") in */plain) sleep 0.3; break ;; esac
    sleep 0.05
done
run "$leakscope" probe --max-leaked 4 -p "$pid"
expect_status 1 "-p: 3 leaked before the attach + 2 in the child > --max-leaked 4"
expect_match err.txt "attached to [^ ]*/plain \\(pid $pid, [0-9]+ goroutines already running" "-p: the goroutines already running are read"
expect_match err.txt "plain \\(pid $pid, go[0-9.]+\\): 3 goroutines alive at its exit" "-p: the 3 from before the attach"
expect_match err.txt "plain \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive at its exit" "-p: the child's 2"
expect_match err.txt "2 Go programs traced" "-p: the child is followed"
wait "$pid"
expect_match p_out.txt "^leaked 2 finished 1\$" "-p: the child ran to its end"
expect_match p_out.txt "^leaked 3 finished 0\$" "-p: the process ran to its end"

# --duration stops a command that would run on
run "$leakscope" probe --duration 300ms -- ./plain -hold 30s -leak 1 -done 0
expect_status 1 "--duration: the command was terminated"
expect_match err.txt "the command failed \\(signal 15\\)" "--duration: SIGTERM"

# the stack of a leaked goroutine equals the runtime's own traceback of it
# (SIGQUIT prints every goroutine), frame for frame, without runtime.goexit
for bin in plain stripped pie $others; do
    run "$leakscope" probe -- "./$bin" -leak 1 -done 0
    sed -n '/stack (bucket [0-9a-f]\{16\}):/,/^counters/p' err.txt | sed '1d;$d' | sed 's/^ *//' >"ours-$bin.txt"
    sigquit_dump "$bin" -leak 1 -done 0
    awk '/^goroutine .*\[chan receive\]:$/ { on = 1; next } on && /^$/ { exit } on' "quit-$bin.txt" |
        awk '/^\t/ { sub(/^\t/, ""); sub(/ .*/, ""); print name " " $0; next } { name = $0; sub(/\(.*$/, "", name) }' |
        grep -v '^runtime\.goexit \|^created by ' >"theirs-$bin.txt"
    if [ -s "ours-$bin.txt" ] && cmp -s "ours-$bin.txt" "theirs-$bin.txt"; then pass; else
        fail "$bin: stack differs from the runtime's traceback: $(diff "theirs-$bin.txt" "ours-$bin.txt" | head -6)"
    fi
done
expect_match err.txt "stack \\(bucket [0-9a-f]{16}\\):" "the bucket ID is 16 hex digits"

# --json: the documented document (docs/probe.md, "JSON")
run "$leakscope" probe --json report.json -- ./plain -leak 3 -done 2
expect_status 0 "--json"
if command -v jq >/dev/null 2>&1; then
    got=$(jq -r --arg line "$leak_line" '[.version, (.programs | length), .programs[0].alive, .programs[0].leaked,
        (.programs[0].sites[] | select(.runtime == false) | "\(.line) \(.function) \(.count) \(.state) \(.bucket | length) \(.stack[3])"), .counters.events_lost] | map(tostring) | join("|")' report.json)
    want="1|1|3|3|$leak_line main.blockForever 3 chan receive 16 main.blockForever $work/main.go:$(grep -n '^	<-ch$' main.go | cut -d: -f1)|0"
    if [ "$got" = "$want" ]; then pass; else fail "--json: got '$got', want '$want'"; fi
else
    echo "note: jq not installed; the --json content is not checked"
fi

# --buckets: the document of docs/dump-json.md, field for field: the same
# keys as `leakscope dump --format json` at every level (the input adds
# pid and without_stack), tool and format saying where it came from
if command -v jq >/dev/null 2>&1; then
    b=buckets-plain.json d=dump-plain.json
    for path in '.' '.buckets[]' '.buckets[].frames[]' '.buckets[].created_by | objects' '.buckets[].states[]' '.suspects[]'; do
        if [ "$(jq -c "[$path | keys] | unique" "$b")" = "$(jq -c "[$path | keys - [\"args\"]] | unique" "$d")" ]; then pass; else
            fail "--buckets: the keys of $path differ from dump's: $(jq -c "[$path | keys] | unique" "$b") vs $(jq -c "[$path | keys] | unique" "$d")"
        fi
    done
    if [ "$(jq -c '.inputs[0] | keys - ["pid", "without_stack"]' "$b")" = "$(jq -c '.inputs[0] | keys' "$d")" ]; then pass; else
        fail "--buckets: input keys $(jq -c '.inputs[0] | keys' "$b"), dump's $(jq -c '.inputs[0] | keys' "$d")"
    fi
    got=$(jq -r '[.version, .tool, .group, .inputs[0].format, (.inputs[0].pid | type), .inputs[0].without_stack, .total, .series] | map(tostring) | join("|")' "$b")
    total=$(jq '[.buckets[].count] | add' "$b")
    want="1|leakscope probe|line|probe|number|1|$total|null"
    if [ "$got" = "$want" ]; then pass; else fail "--buckets: got '$got', want '$want' (the main goroutine, running, has no stack)"; fi
    run "$leakscope" probe --buckets "/nonexistent/b.json" -- ./plain -leak 0
    expect_status 2 "--buckets to an unwritable path"
    expect_match err.txt "cannot write /nonexistent/b.json" "--buckets to an unwritable path: says so"
fi

# children: every Go program a command runs is traced and reported
run "$leakscope" probe --max-leaked 3 --buckets sh-buckets.json -- sh -c './plain -leak 1 -done 1 && ./stripped -leak 2 -done 0'
expect_status 0 "sh -c: --max-leaked 3 (1 + 2 leaked)"
if command -v jq >/dev/null 2>&1; then
    got=$(jq -r '"\(.inputs[0].name | split("/") | last) \([.buckets[] | select(.created_by.func == "main.main") | .count] | add)"' sh-buckets.json | tr '\n' ' ')
    if [ "$got" = "plain 1 stripped 2 " ]; then pass; else fail "sh -c --buckets: one document per program, got '$got'"; fi
fi
expect_match err.txt "/plain \\(pid [0-9]+, go[0-9.]+\\): 1 goroutines alive at its exit" "sh -c: the first program"
expect_match err.txt "/stripped \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive at its exit" "sh -c: the second program"
expect_match err.txt "2 Go programs traced, 2 with goroutines alive at the end" "sh -c: the summary"
run "$leakscope" probe --max-leaked 2 -- sh -c './plain -leak 1 -done 1 && ./stripped -leak 2 -done 0'
expect_status 1 "sh -c: --max-leaked 2 counts over both programs"
run "$leakscope" probe --follow '^stripped$' -- sh -c './plain -leak 1 -done 1 && ./stripped -leak 2 -done 0'
expect_no_match err.txt "/plain \\(pid" "--follow: plain not traced"
expect_match err.txt "/stripped \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive" "--follow: stripped traced"

# a traced program that execs: the old image's goroutines are its report
# (at its exec), the new image is traced as another program, and each
# counts once toward --max-leaked
run "$leakscope" probe --max-leaked 4 -- ./plain -leak 3 -done 0 -exec ./plain
expect_status 1 "exec: 3 before + 2 after > --max-leaked 4"
expect_match err.txt "/plain \\(pid [0-9]+, go[0-9.]+\\): 3 goroutines alive at its exec" "exec: the old image, at its exec"
expect_match err.txt "/plain \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive at its exit" "exec: the new image, at its exit"
expect_match err.txt "^ +2  [^ ]*/main\\.go:$leak_line +main\\.blockForever +chan receive " "exec: the new image's stacks are read"
expect_match err.txt "2 Go programs traced" "exec: two programs"

# go test ./... over a module with one leaking test package
cp -r "$src/tests/probe/testdata/gotest" gotest
(
    cd gotest || exit 2
    GOTOOLCHAIN=local run "$leakscope" probe --max-leaked 0 -- "$go" test -count=1 ./...
    expect_status 1 "go test ./...: one package leaks"
    expect_match out.txt "^ok[[:space:]]+example\\.com/gotest/leaks" "go test ./...: the tests themselves pass"
    expect_match err.txt "/leaks\\.test \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive at its exit" "go test: leaks.test named, 2 alive"
    line=$(grep -n 'LEAK-SITE' leaks/leaks.go | cut -d: -f1)
    expect_match err.txt "^ +2  [^ ]*/leaks/leaks\\.go:$line +example\\.com/gotest/leaks\\.Watch\\.func1 +chan receive " "go test: the go statement of the leak, chan receive"
    expect_match err.txt "/clean\\.test \\(pid [0-9]+, go[0-9.]+\\): 0 goroutines alive at its exit" "go test: clean.test, 0 alive"
    expect_no_match err.txt "/(compile|link|vet) \\(pid" "go test: the toolchain's programs are not traced"
    echo "$passed $failed" >../counts.txt
)
read -r passed failed <counts.txt

# --count-calls: every newproc1 call was seen returning a g
run "$leakscope" probe --count-calls -- ./plain -leak 3 -done 5
calls=$(sed -n 's/.*newproc1 calls \([0-9]*\), created \([0-9]*\),.*/\1 \2/p' err.txt)
set -- $calls
if [ -n "${1:-}" ] && [ "$1" = "${2:-}" ] && [ "$1" -ge 8 ]; then pass; else
    fail "--count-calls: newproc1 calls and creations differ or are missing: '$calls'"
fi
expect_no_match out.txt "newproc1" "--count-calls: the program's output untouched"

# --min-age: goroutines younger than that do not count
run "$leakscope" probe --max-leaked 0 --min-age 30s -- ./plain -leak 2 -done 0
expect_status 0 "--min-age 30s: the 2 young goroutines do not count"
run "$leakscope" probe --max-leaked 0 --min-age 50ms -- ./plain -leak 2 -done 0
expect_status 1 "--min-age 50ms: the 2 goroutines (200ms old) count"

# SIGTERM to leakscope: the command is ended, the report printed, every
# probe detached (checked at the end of this script)
"$leakscope" probe -- ./plain -hold 30s -leak 1 -done 0 >/dev/null 2>term_err.txt &
lpid=$!
sleep 1
kill -TERM "$lpid"
wait "$lpid"
expect_match term_err.txt "1 goroutines alive" "SIGTERM: the report"
expect_match term_err.txt "the command failed \\(signal 15\\)" "SIGTERM: passed on to the command"

# SIGKILL to leakscope while it has the program stopped (in runtime.exit,
# where its goroutines are read): the guard process resumes the program,
# which finishes as it would have.  leakscope is frozen first (SIGSTOP) so
# that the program is surely stopped when leakscope dies.
"$leakscope" probe -- ./plain -hold 500ms -leak 1 -done 0 >kill_out.txt 2>/dev/null &
lpid=$!
prog=
for _ in $(seq 100); do
    prog=$(pgrep -P "$lpid" -x plain | head -1)
    [ -n "$prog" ] && break
    sleep 0.05
done
kill -STOP "$lpid"
state=
for _ in $(seq 100); do
    state=$(sed 's/.*) \(.\).*/\1/' "/proc/$prog/stat" 2>/dev/null)
    [ "$state" = T ] && break
    sleep 0.05
done
if [ "$state" = T ]; then pass; else fail "SIGKILL: the program was not stopped at its exit (state '$state')"; fi
kill -KILL "$lpid"
wait "$lpid" 2>/dev/null
for _ in $(seq 100); do
    state=$(sed 's/.*) \(.\).*/\1/' "/proc/$prog/stat" 2>/dev/null)
    [ -z "$state" ] || [ "$state" = Z ] && break
    sleep 0.05
done
if [ -z "$state" ] || [ "$state" = Z ]; then pass; else
    fail "SIGKILL: the program stayed stopped after leakscope died (state '$state')"
    kill -CONT "$prog" 2>/dev/null
fi
expect_match kill_out.txt "^leaked 1 finished 0\$" "SIGKILL: the program finished its work"

# --live on a terminal (script gives one): the top sites, redrawn
if command -v script >/dev/null 2>&1; then
    script -qec "'$leakscope' probe --live -- ./plain -leak 2 -done 0 -hold 2500ms" /dev/null >live.txt 2>&1
    expect_match live.txt "\\[live\\] plain \\(pid [0-9]+\\): [0-9]+ goroutines" "--live: a program line"
    expect_match live.txt "\\[live\\] +2  [^ ]*/main\\.go:$leak_line  main\\.blockForever  oldest [0-9.]+s" "--live: the leaking site"
fi
if command -v script >/dev/null 2>&1; then
    ./plain -leak 2 -done 0 -hold 2500ms >/dev/null &
    pid=$!
    sleep 0.3
    script -qec "'$leakscope' probe --live -p $pid" /dev/null >live_p.txt 2>&1
    wait "$pid"
    expect_match live_p.txt "\\[live\\] +2  [^ ]*/main\\.go:$leak_line  main\\.blockForever  oldest [0-9.]+s" "--live -p: the leaking site"
fi
run "$leakscope" probe --live -- ./plain -leak 0
expect_match err.txt "--live needs a terminal" "--live without a terminal: says so"

# without privileges: a clear message and status 2
if command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$work" && chmod 755 plain
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$leakscope" probe -- ./plain -leak 0
    expect_status 2 "not root: status 2"
    expect_match err.txt "run as root, or grant CAP_BPF and CAP_PERFMON" "not root: says what is needed"
    expect_empty out.txt "not root: the command did not run"
fi

# a command that runs no Go program
run "$leakscope" probe -- /bin/true
expect_status 0 "non-Go command"
expect_match err.txt "no Go program ran under the probe" "non-Go command: says so"
run "$leakscope" probe -- ./no-such-command
expect_status 2 "missing command"
run "$leakscope" probe -p 999999999
expect_status 2 "-p of no process"

# nothing left attached once leakscope has exited
if command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ]; then
    bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
    # other leakscope sessions on the machine may be running: a program
    # that some process holds open (fdinfo names its prog_id) is theirs;
    # one that no process holds is left behind
    left=
    for id in $("$bpftool" prog show 2>/dev/null | sed -n 's/^\([0-9]*\): .* name \(newproc1[a-z_]*\|goroutine_[a-z]*\) .*/\1/p'); do
        grep -qs "^prog_id:[[:space:]]*$id\$" /proc/[0-9]*/fdinfo/* ||
            ! "$bpftool" prog show id "$id" >/dev/null 2>&1 || left="$left $id" # gone meanwhile: its owner ended
    done
    if [ -n "$left" ]; then fail "a BPF program of the probe is still loaded:$left"; else pass; fi
fi

finish
