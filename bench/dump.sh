#!/usr/bin/env bash
# Dump reading speed and memory: `leakscope dump` against panicparse and
# `wc -l` on the same debug=2 dump of 1,250,000 goroutines, in the same run
# (bench/README.md).
#
#   bash bench/dump.sh                  # 1,250,000 goroutines
#   SMALL=1 bash bench/dump.sh          # 125,000 goroutines (quick)
#   GOROUTINES=500000 bash bench/dump.sh
#   RUNS=5 bash bench/dump.sh           # best of 5 instead of 3
#   PANICPARSE_VERSION=v2.4.0 bash bench/dump.sh
#
# The dump is real runtime output: tests/dump/progs/leaks (go run) writes its
# goroutine profile with debug=2, and its stanzas are replicated in order with
# fresh goroutine IDs (copy k adds k*10^d to every ID) until there are
# GOROUTINES of them, so the mix of states and frames is the program's.  The
# "created by ... in goroutine N" lines keep the IDs of the first copy (every
# copy's goroutines were started by the same parents, as a worker pool's
# are): panicparse splits buckets by creating goroutine, and with renumbered
# creators its bucket count, and its time, would grow with the copies.
#
# panicparse (github.com/maruel/panicparse/v2) is installed with `go install`
# through the Go module proxy into a temporary GOBIN and module cache, never
# into this repository.  Every reader gets the file as its argument.  After
# one untimed warm-up pass (wc -l and leakscope: the page cache; panicparse's
# would take a minute for the same effect), each is timed RUNS times
# with GNU time and the best wall time is reported with that run's CPU time
# and peak RSS; panicparse stops early once its runs have used PANICPARSE_BUDGET
# seconds (default 240), so that the script stays within about 10 minutes.
# Nothing is asserted: the goals are printed with whether this run met them.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
repo=$PWD

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "bench: go not found (run scripts/setup.sh)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench: GNU time (/usr/bin/time) not found (run scripts/setup.sh)" >&2; exit 2; }

RUNS=${RUNS:-3}
SMALL=${SMALL:-0}
if [[ $SMALL == 1 ]]; then
    GOROUTINES=${GOROUTINES:-125000}
else
    GOROUTINES=${GOROUTINES:-1250000}
fi
PANICPARSE_VERSION=${PANICPARSE_VERSION:-v2.5.0} # `go list -m -versions github.com/maruel/panicparse/v2`
PANICPARSE_BUDGET=${PANICPARSE_BUDGET:-240}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number" >&2; exit 2; }
[[ $GOROUTINES =~ ^[1-9][0-9]*$ ]] || { echo "bench: GOROUTINES must be a positive number" >&2; exit 2; }

build=build-bench
echo "bench: building ./$build (RelWithDebInfo)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" leakscope >/dev/null
leakscope=$repo/$build/leakscope

out=$repo/bench/out/dump
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

echo "bench: installing panicparse $PANICPARSE_VERSION (go install through the module proxy, into a temporary GOBIN)"
(cd "$tmp" && GOBIN=$tmp/bin GOPATH=$tmp/gopath GOMODCACHE=$tmp/gopath/pkg/mod GOFLAGS=-modcacherw \
    go install "github.com/maruel/panicparse/v2@$PANICPARSE_VERSION") 2>"$tmp/install.err" ||
    { cat "$tmp/install.err" >&2; echo "bench: cannot install panicparse $PANICPARSE_VERSION" >&2; exit 2; }
panicparse=$tmp/bin/panicparse

echo "bench: capturing a debug=2 dump of tests/dump/progs/leaks (go run)"
mkdir -p "$tmp/capture"
(cd tests/dump/progs && go run ./leaks "$tmp/capture")
seed=$tmp/capture/goroutines.txt
[[ -s $seed ]] || { echo "bench: the program wrote no debug=2 dump" >&2; exit 2; }
cp "$seed" "$out/seed.txt"

dump=$out/goroutines-$GOROUTINES.txt
echo "bench: replicating its $(grep -c '^goroutine ' "$seed") stanzas with fresh IDs into $dump"
# Stanzas are separated by blank lines (RS = ""); copy k adds k*stride to the
# header's ID, stride being the first power of ten above the largest ID.
awk -v want="$GOROUTINES" '
BEGIN { RS = ""; ORS = "\n\n" }
match($0, /^goroutine [0-9]+ /) {
    st[++n] = $0
    id = substr($0, 11, RLENGTH - 11) + 0
    if (id > max) max = id
}
END {
    stride = 1
    while (stride <= max) stride *= 10
    for (k = 0; emitted < want; k++)
        for (i = 1; i <= n && emitted < want; i++) {
            s = st[i]
            match(s, /^goroutine [0-9]+ /)
            print "goroutine " (substr(s, 11, RLENGTH - 11) + k * stride) substr(s, RLENGTH)
            emitted++
        }
}' "$seed" >"$dump"
bytes=$(stat -c %s "$dump")
got=$(grep -c '^goroutine ' "$dump")
[[ $got == "$GOROUTINES" ]] || { echo "bench: generated $got goroutines, not $GOROUTINES" >&2; exit 1; }

# timed LABEL CMD...: runs CMD under GNU time (stdout to /dev/null); appends
# "wall user sys maxrss_kb" to $tmp/LABEL.runs.  Status 0 and 1 are fine
# (leakscope dump says 1 when it found suspects).
timed() {
    local label=$1 rc=0
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/$label.err" || rc=$?
    if ((rc > 1)); then
        echo "bench: $label exited with status $rc" >&2
        head -n 20 "$tmp/$label.err" >&2
        exit 1
    fi
    tail -n 1 "$tmp/time" >>"$tmp/$label.runs"
}
# best LABEL: the run with the lowest wall time, "wall user sys maxrss_kb".
best() { sort -n -k1,1 "$tmp/$1.runs" | head -n 1; }

readers=(wc leakscope-json leakscope-j1 leakscope-text panicparse)
run_reader() {
    case $1 in
    wc) timed wc wc -l "$dump" ;;
    leakscope-json) timed leakscope-json "$leakscope" dump --format json -o /dev/null "$dump" ;;
    leakscope-j1) timed leakscope-j1 "$leakscope" dump -j1 --format json -o /dev/null "$dump" ;;
    leakscope-text) timed leakscope-text "$leakscope" dump -o /dev/null "$dump" ;;
    # the plain-text aggregated output: no colors, no HTML
    panicparse) timed panicparse "$panicparse" -no-color "$dump" ;;
    esac
}

echo "bench: $GOROUTINES goroutines, $bytes bytes; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: warm-up pass (untimed), then best of $RUNS"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in "${readers[@]}"; do
    # panicparse's run would only warm the page cache again, and takes a minute
    [[ $r == panicparse ]] || run_reader "$r"
    : >"$tmp/$r.runs"
done
pp_spent=0
for ((i = 0; i < RUNS; i++)); do
    for r in "${readers[@]}"; do
        if [[ $r == panicparse ]] && ((pp_spent >= PANICPARSE_BUDGET)); then
            continue
        fi
        run_reader "$r"
        if [[ $r == panicparse ]]; then
            pp_spent=$(awk -v a="$pp_spent" -v b="$(tail -n 1 "$tmp/panicparse.runs" | cut -d' ' -f1)" 'BEGIN { printf "%d", a + b + 0.5 }')
        fi
    done
done
pp_runs=$(wc -l <"$tmp/panicparse.runs")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", b / 1e6 / t; else print "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

echo
printf '%-32s %8s %8s %8s %8s %10s\n' reader "wall s" "cpu s" "MB/s" "cpu MB/s" "peak RSS"
declare -A wall cpu rss
for r in "${readers[@]}"; do
    read -r w u s m < <(best "$r")
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    wall[$r]=$w cpu[$r]=$c rss[$r]=$((m / 1024))
    case $r in
    wc) name="wc -l" ;;
    leakscope-json) name="leakscope dump --format json" ;;
    leakscope-j1) name="  the same, -j1 (one thread)" ;;
    leakscope-text) name="leakscope dump (text)" ;;
    panicparse) name="panicparse -no-color ($pp_runs run$( ((pp_runs == 1)) || echo s))" ;;
    esac
    printf '%-32s %8s %8s %8s %8s %7s MB\n' "$name" "$w" "$c" "$(mbs "$w")" "$(mbs "$c")" "${rss[$r]}"
done
echo "(MB = 10^6 bytes of dump; cpu = user + sys of the same run; peak RSS = GNU time's maximum resident set)"

r_pp=$(ratio "${wall[panicparse]}" "${wall[leakscope-json]}")
r_pp_cpu=$(ratio "${cpu[panicparse]}" "${cpu[leakscope-json]}")
r_wc=$(ratio "${wall[wc]}" "${wall[leakscope-json]}")
r_wc_cpu=$(ratio "${cpu[wc]}" "${cpu[leakscope-json]}")
echo
echo "ratio leakscope (json) / panicparse throughput   ${r_pp}x wall, ${r_pp_cpu}x cpu"
echo "ratio leakscope (json) / wc -l throughput        ${r_wc}x wall, ${r_wc_cpu}x cpu"
echo
# The goals are about throughput on the machine; on a shared, loaded machine
# the wall clock mostly measures waiting for a core, so the CPU-time reading
# (user + sys) is judged beside it.
# verdict RATIO GOAL T1 T2: met or not, unless a time is too short for GNU
# time's 0.01 s resolution to say.
verdict() {
    if ! ge "$3" 0.05 || ! ge "$4" 0.05; then
        echo "too short to measure"
    elif ge "$1" "$2"; then
        echo met
    else
        echo "not met"
    fi
}
echo "goals (leakscope --format json; wall clock, and CPU time as a load-independent reading):"
echo "  >= 20x panicparse's throughput: ${r_pp}x wall: $(verdict "$r_pp" 20 "${wall[panicparse]}" "${wall[leakscope-json]}"); ${r_pp_cpu}x cpu: $(verdict "$r_pp_cpu" 20 "${cpu[panicparse]}" "${cpu[leakscope-json]}")"
echo "  >= 1/5 of wc -l's throughput: ${r_wc}x wall: $(verdict "$r_wc" 0.2 "${wall[wc]}" "${wall[leakscope-json]}"); ${r_wc_cpu}x cpu: $(verdict "$r_wc_cpu" 0.2 "${cpu[wc]}" "${cpu[leakscope-json]}")"
m=met
for r in leakscope-json leakscope-j1 leakscope-text; do
    ((rss[$r] < 100)) || m="not met"
done
echo "  peak RSS < 100 MB: json ${rss[leakscope-json]} MB, -j1 ${rss[leakscope-j1]} MB, text ${rss[leakscope-text]} MB: $m"
echo
echo "bench: load average before the runs $load_before, after $load_after (on $(nproc) cores; wall times suffer first)"
