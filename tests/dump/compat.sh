#!/bin/sh
# The dump readers on what other Go versions print: the programs in
# tests/dump/progs (and a test that times out, one that panics, under go
# test) built with older toolchains (fetched through GOTOOLCHAIN
# and the module proxy; a version that cannot be fetched is skipped with a
# message) and with the installed one, every format captured, and exact
# counts checked: the goroutines read equal the headers printed and what
# the program knows, nothing valid is skipped, states and created-by lines
# are read as printed, and one stack has one bucket ID in every format
# (docs/dump-buckets.md), the compiler's wrappers included.
#
#   sh tests/dump/compat.sh DUMPREAD LEAKSCOPE SOURCE_DIR GO
#
# LEAKSCOPE_DUMP_TOOLCHAINS overrides the older toolchains (default
# "go1.20.14 go1.23.12": "created by F" without a goroutine and no gp= in
# headers; "in goroutine N", gp=/m= headers and gowrap closures); the
# installed toolchain is always checked.
. "$(dirname "$0")/../lib.sh"
dumpread=$1
leakscope=$2
src=$3
go=$4
toolchains=${LEAKSCOPE_DUMP_TOOLCHAINS-go1.20.14 go1.23.12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# The crashing programs must not leave core files behind.
ulimit -c 0 2>/dev/null || true
export GOFLAGS=-buildvcs=false
# The programs need nothing newer than Go 1.20; the copy says so, so that
# old toolchains build them.
cp -r "$src/tests/dump/progs" progs
sed 's/^go .*/go 1.20/' "$src/tests/dump/progs/go.mod" >progs/go.mod
if command -v jq >/dev/null 2>&1; then have_jq=1; else
    have_jq=
    echo "note: jq not found; bucket IDs across formats not compared"
fi

# stats FILE: "goroutines=N stacks=N skipped=N truncated=N ... preamble=..."
stats() { "$dumpread" "$1" | sed -n 's/^stats .* goroutines=/goroutines=/p'; }

# expect_stats TAG FILE REGEX: the stats of FILE match REGEX
expect_stats() {
    s=$(stats "$2")
    if printf '%s\n' "$s" | grep -Eq -- "$3"; then pass; else fail "$1: $(basename "$2"): $s; want $3"; fi
}

# headers_read TAG FILE: every "goroutine N [...]:" header is one goroutine
# read, and no line is skipped or cut
headers_read() {
    h=$(grep -c '^goroutine [0-9][0-9]* .*\]:$' "$2")
    expect_stats "$1" "$2" "^goroutines=$h stacks=$h skipped=0 truncated=0 "
}

# states_read TAG FILE: the states read are the states printed
states_read() {
    sed -n 's/^goroutine [0-9][0-9]* \([^[]* \)\{0,1\}\[\(.*\)\]:$/\2/p' "$2" |
        sed 's/ labels:{.*//; s/, [0-9][0-9]* minutes//; s/, locked to thread//' | sort >states.want
    "$dumpread" "$2" | sed -n 's/^g .* state="\([^"]*\)" wait=.*/\1/p' | sort >states.got
    if [ -s states.want ] && cmp -s states.want states.got; then pass; else
        fail "$1: $(basename "$2"): states differ: $(diff states.want states.got | head -5)"
    fi
}

# stacks FILE: one line per top-level record: FUNC FILE:LINE;... (as readers.sh)
stacks() {
    "$dumpread" "$1" | awk '
        function flush() { if (have) print frames; have = 0 }
        /^g / { flush(); have = 1; frames = "" }
        /^  f / { n = split($0, w, " "); loc = w[n];
                  for (i = n; i > 2; i--) if (w[i] ~ /:[0-9]+$/) { loc = w[i]; break }
                  frames = frames w[2] " " loc ";" }
        END { flush() }' | grep -v 'main\.write ' | sort -u
}

# ids FILE...: "COUNT ID" of the buckets with a main.* frame but not
# main.main (whose stack differs from one capture to the next)
ids() {
    "$leakscope" dump --format json --fail-on 0 "$1" |
        jq -r '[.buckets[] | select(any(.frames[]; .func | startswith("main."))
                 and (any(.frames[]; .func == "main.main" or .func == "main.write") | not))
                | "\(.count) \(.id)"] | sort | join(" ")'
}

same_ids() {
    tag=$1
    shift
    [ -n "$have_jq" ] || return 0
    ids "$1" >ids.first
    for f in "$@"; do
        ids "$f" >ids.other
        if [ -s ids.first ] && [ "$(cat ids.first)" != "" ] && cmp -s ids.first ids.other; then pass; else
            fail "$tag: bucket IDs of $(basename "$1") and $(basename "$f") differ: $(cat ids.first) / $(cat ids.other)"
        fi
    done
}

# check TOOLCHAIN: builds the programs with it, captures and checks.
check() {
    tc=$1
    out=$work/$tc
    mkdir -p "$out/anc"
    if [ "$tc" = local ]; then
        gobin=$go
    else
        # The go command downloads the toolchain through the module proxy.
        if ! GOTOOLCHAIN=$tc timeout 300 "$go" version >"$out/version" 2>&1; then
            echo "note: $tc skipped: cannot be fetched ($(tail -1 "$out/version"))"
            return 1
        fi
        gobin=$go
    fi
    ver=$(cd progs && GOTOOLCHAIN=$tc "$gobin" env GOVERSION)
    minor=$(echo "$ver" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
    for p in leaks deadlock panicall crash wrappers; do
        if ! (cd progs && GOTOOLCHAIN=$tc "$gobin" build -o "$out/$p" "./$p") >"$out/build.log" 2>&1; then
            fail "$ver: build $p: $(tail -3 "$out/build.log")"
            return 0
        fi
    done
    echo "checking dumps of $ver"
    (cd "$out" && ./leaks "$out" && GODEBUG=tracebackancestors=5 ./leaks "$out/anc")
    (cd "$out" && ./deadlock >deadlock.txt 2>&1)
    (cd "$out" && GOTRACEBACK=all ./panicall >panicall.txt 2>&1)
    # (the shell's own "Aborted" for these goes to /dev/null)
    (cd "$out" && GOTRACEBACK=crash ./crash >crash.txt 2>&1; true) 2>/dev/null
    (cd "$out" && GOTRACEBACK=crash ./crash quit >quit.txt 2>&1; true) 2>/dev/null
    (cd "$out" && GOTRACEBACK=crash ./wrappers "$out" >wrappers.n 2>wrappers-quit.txt; true) 2>/dev/null
    # a test that times out, and one that panics, as go test prints them
    (cd progs && GOTOOLCHAIN=$tc "$gobin" test -count=1 -timeout 1s ./testhang >"$out/timeout.txt" 2>&1)
    (cd progs && DUMP_PANIC=1 GOTOOLCHAIN=$tc "$gobin" test -count=1 ./testhang >"$out/testpanic.txt" 2>&1)
    t=$ver
    # ---- the goroutine profile in three formats
    expect_stats "$t" "$out/goroutines.txt" '^goroutines=46 stacks=46 skipped=0 truncated=0 '
    expect_stats "$t" "$out/goroutines.debug1" '^goroutines=46 stacks=[0-9]+ skipped=0 truncated=0 '
    expect_stats "$t" "$out/goroutines.pb.gz" '^goroutines=46 '
    expect_stats "$t" "$out/anc/goroutines.txt" '^goroutines=46 stacks=46 skipped=0 truncated=0 '
    states_read "$t" "$out/goroutines.txt"
    states_read "$t" "$out/anc/goroutines.txt"
    stacks "$out/goroutines.txt" >s2
    stacks "$out/goroutines.debug1" >s1
    stacks "$out/goroutines.pb.gz" >s0
    if [ "$(wc -l <s0)" -ge 7 ] && cmp -s s2 s1 && cmp -s s1 s0; then pass; else
        fail "$t: stacks differ across debug=2, debug=1 and pprof: $(diff s2 s1 | head -4) $(diff s1 s0 | head -4)"
    fi
    same_ids "$t" "$out/goroutines.txt" "$out/goroutines.debug1" "$out/goroutines.pb.gz" "$out/anc/goroutines.txt"
    # created by: "in goroutine N" since Go 1.21, read as the creator's ID
    printed=$(grep -c '^created by main\.abandonSenders in goroutine [1-9][0-9]*$' "$out/goroutines.txt")
    if [ "$minor" -ge 21 ]; then want=25; else want=0; fi
    [ "$printed" -eq "$want" ] && pass || fail "$t: $printed 'created by ... in goroutine N' lines, want $want"
    n=$("$dumpread" "$out/goroutines.txt" | awk '/created_by main\.abandonSenders /{c=1; next} c && /creator=[1-9]/{n++} {c=0} END{print n+0}')
    [ "$n" -eq "$printed" ] && pass || fail "$t: $n senders with a creator ID, want $printed"
    n=$("$dumpread" "$out/goroutines.txt" | grep -c '^  created_by main\.abandonSenders ')
    [ "$n" -eq 25 ] && pass || fail "$t: $n senders created by main.abandonSenders, want 25"
    n=$("$dumpread" "$out/goroutines.debug1" | grep -c '^  label job=export$')
    [ "$n" -ge 1 ] && pass || fail "$t: no label job=export in debug=1"
    # the deepest of the chain has 3 ancestors (tracebackancestors=5)
    a=$("$dumpread" "$out/anc/goroutines.txt" | awk '
        /^g / { if (a > best) best = a; a = 0; next }
        /^  ancestor$/ { a++ }
        END { if (a > best) best = a; print best + 0 }')
    [ "$a" -eq 3 ] && pass || fail "$t: deepest ancestry $a, want 3"
    # ---- crashes
    expect_stats "$t" "$out/deadlock.txt" '^goroutines=5 stacks=5 skipped=0 truncated=0 .*preamble="fatal error: all goroutines are asleep - deadlock!"'
    expect_stats "$t" "$out/panicall.txt" '^goroutines=8 stacks=8 skipped=0 truncated=0 .*preamble="panic: boom: leakscope fixture'
    for f in deadlock panicall crash quit wrappers-quit; do
        headers_read "$t" "$out/$f.txt"
        states_read "$t" "$out/$f.txt"
    done
    expect_stats "$t" "$out/crash.txt" 'preamble="panic: runtime error: invalid memory address or nil pointer dereference'
    expect_stats "$t" "$out/quit.txt" 'preamble="SIGQUIT: quit"'
    n=$("$dumpread" "$out/crash.txt" | grep -c '^  f main\.waiter ')
    [ "$n" -eq 3 ] && pass || fail "$t: crash: $n main.waiter frames, want 3"
    # ---- go test: a multi-line panic value, "--- FAIL:" and "FAIL" lines
    for f in timeout testpanic; do
        headers_read "$t" "$out/$f.txt"
        states_read "$t" "$out/$f.txt"
    done
    expect_stats "$t" "$out/timeout.txt" 'preamble="panic: test timed out after 1s"$'
    expect_stats "$t" "$out/testpanic.txt" 'preamble="panic: boom: leakscope fixture'
    n=$("$dumpread" "$out/timeout.txt" | grep -c '^  f [^ ]*/testhang\.TestHang\.func1\.1 ')
    [ "$n" -eq 3 ] && pass || fail "$t: test timeout: $n waiters in TestHang, want 3"
    # ---- wrappers: the count the program printed, and one ID per stack
    want=$(sed -n 's/^NumGoroutine=//p' "$out/wrappers.n")
    [ "$want" = 10 ] && pass || fail "$t: wrappers printed NumGoroutine=$want, want 10"
    expect_stats "$t" "$out/wrappers.txt" "^goroutines=$want stacks=$want skipped=0 truncated=0 "
    expect_stats "$t" "$out/wrappers.debug1" "^goroutines=$want "
    expect_stats "$t" "$out/wrappers.pb.gz" "^goroutines=$want "
    if [ "$minor" -ge 22 ]; then
        same_ids "$t: wrappers" "$out/wrappers.txt" "$out/wrappers.debug1" "$out/wrappers.pb.gz" "$out/wrappers-quit.txt"
    else
        # Go 1.21 and older name the go f(x) closure NAME.funcN, like any
        # closure: only the profiles and the default traceback agree.
        same_ids "$t: wrappers" "$out/wrappers.txt" "$out/wrappers.debug1" "$out/wrappers.pb.gz"
    fi
    # ---- the crash as a container log: a prefix of varying width on every line
    awk '{ s = sprintf("%09d", (NR * 7919) % 1000000000); sub(/0+$/, "", s);
           printf "2026-11-23T10:00:%02d.%sZ stderr F %s\n", NR % 60, s, $0 }' "$out/crash.txt" >pfx.txt
    "$dumpread" "$out/crash.txt" | sed 's/ line=[0-9]*//; s/ bytes=[0-9]*//' >plain.out
    "$dumpread" pfx.txt | sed 's/ line=[0-9]*//; s/ bytes=[0-9]*//' >pfx.out
    if cmp -s plain.out pfx.out; then pass; else fail "$t: crash.txt with log prefixes: $(diff plain.out pfx.out | head -4)"; fi
    return 0
}

used=0
check local && used=$((used + 1))
for tc in $toolchains; do
    check "$tc" && used=$((used + 1))
done
finish
