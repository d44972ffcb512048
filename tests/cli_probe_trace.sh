#!/bin/sh
# Tests of `leakscope probe -- CMD` and `-p PID` (docs/probe.md) with real
# eBPF uprobes, on tests/probe/testdata/leaky built by the test: plain,
# stripped and PIE with the installed Go, plain and stripped with go1.25
# and go1.24 when GOTOOLCHAIN can get them.  The program leaks -leak N
# goroutines at its LEAK-SITE line and starts -done M that finish; the
# probe must report exactly N alive at that line and none at DONE-SITE, 0
# for -leak 0, apply --max-leaked, leave the program's output unchanged,
# and leave no BPF program behind.
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

# the same output with and without the probe
./plain -leak 2 -done 3 >without.txt 2>&1
"$leakscope" probe -- ./plain -leak 2 -done 3 >with.txt 2>/dev/null
if cmp -s without.txt with.txt; then pass; else fail "the program's output changed under the probe"; fi

GOTOOLCHAIN=local "$go" build -ldflags='-s -w' -o stripped . || exit 2
GOTOOLCHAIN=local "$go" build -buildmode=pie -o pie . || exit 2
for b in plain stripped pie; do
    check_leaks "$b" 3 5
done
check_leaks plain 0 4
check_leaks plain 7 0

for tc in go1.25.14 go1.24.13; do
    if GOTOOLCHAIN=$tc "$go" version >/dev/null 2>&1; then
        GOTOOLCHAIN=$tc "$go" build -o "plain-$tc" . && GOTOOLCHAIN=$tc "$go" build -ldflags='-s -w' -o "stripped-$tc" . ||
            { fail "build with $tc"; continue; }
        check_leaks "plain-$tc" 3 5
        check_leaks "stripped-$tc" 2 2
    else
        echo "note: toolchain $tc unavailable (no module proxy?); its checks are skipped"
    fi
done

# -p PID: goroutines started after the attach are seen
./plain -delay 1s -hold 300ms -leak 4 -done 2 >/dev/null &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do # until the shell's fork has exec'd plain
    case $(readlink "/proc/$pid/exe") in */plain) break ;; esac
    sleep 0.05
done
run "$leakscope" probe --max-leaked 4 -p "$pid"
expect_status 0 "-p: --max-leaked 4"
expect_match err.txt "^ +4  [^ ]*/main\\.go:$leak_line +main\\.blockForever +chan receive " "-p: 4 at main.go:$leak_line, chan receive"
expect_match err.txt "4 goroutines alive at its exit" "-p: the process's end is noticed"
wait "$pid"

# --duration stops a command that would run on
run "$leakscope" probe --duration 300ms -- ./plain -hold 30s -leak 1 -done 0
expect_status 1 "--duration: the command was terminated"
expect_match err.txt "the command failed \\(signal 15\\)" "--duration: SIGTERM"

# the stack of a leaked goroutine equals the runtime's own traceback of it
# (SIGQUIT prints every goroutine), frame for frame, without runtime.goexit
for bin in plain stripped pie; do
    run "$leakscope" probe -- "./$bin" -leak 1 -done 0
    sed -n '/stack (bucket [0-9a-f]\{16\}):/,/^counters/p' err.txt | sed '1d;$d' | sed 's/^ *//' >"ours-$bin.txt"
    "./$bin" -leak 1 -done 0 -hold 3s >/dev/null 2>quit.txt &
    qpid=$!
    sleep 0.5
    kill -QUIT "$qpid"
    wait "$qpid"
    awk '/^goroutine .*\[chan receive\]:$/ { on = 1; next } on && /^$/ { exit } on' quit.txt |
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

# children: every Go program a command runs is traced and reported
run "$leakscope" probe --max-leaked 3 -- sh -c './plain -leak 1 -done 1 && ./stripped -leak 2 -done 0'
expect_status 0 "sh -c: --max-leaked 3 (1 + 2 leaked)"
expect_match err.txt "/plain \\(pid [0-9]+, go[0-9.]+\\): 1 goroutines alive at its exit" "sh -c: the first program"
expect_match err.txt "/stripped \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive at its exit" "sh -c: the second program"
expect_match err.txt "2 Go programs traced, 2 with goroutines alive at the end" "sh -c: the summary"
run "$leakscope" probe --max-leaked 2 -- sh -c './plain -leak 1 -done 1 && ./stripped -leak 2 -done 0'
expect_status 1 "sh -c: --max-leaked 2 counts over both programs"
run "$leakscope" probe --follow '^stripped$' -- sh -c './plain -leak 1 -done 1 && ./stripped -leak 2 -done 0'
expect_no_match err.txt "/plain \\(pid" "--follow: plain not traced"
expect_match err.txt "/stripped \\(pid [0-9]+, go[0-9.]+\\): 2 goroutines alive" "--follow: stripped traced"

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
    if "$bpftool" prog show 2>/dev/null | grep -q 'goroutine_created\|goroutine_exit'; then
        fail "a BPF program of the probe is still loaded: $($bpftool prog show | grep -E 'newproc1|goroutine_exit' | head -3)"
    else pass; fi
fi

finish
