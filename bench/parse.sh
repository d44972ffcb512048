#!/usr/bin/env bash
# Parser throughput: leakscope's Go front end against go/parser, on the same
# files in the same run (bench/README.md).
#
#   bash bench/parse.sh                 # ROOT = $(go env GOROOT)/src
#   bash bench/parse.sh DIR             # or ROOT=DIR bash bench/parse.sh
#   RUNS=5 bash bench/parse.sh          # best of 5 instead of 3
#
# Peers: go/parser (go/cmd/parsebench: ParseComments|SkipObjectResolution,
# one goroutine, files already in memory) and, when the tree-sitter CLI is
# installed, `tree-sitter parse` (it is never installed by this script).
# leakscope runs as `leakscope parse -q --stats -jN ROOT`, which includes
# reading the files.  Each is timed RUNS times after one untimed warm-up pass
# and the best run is reported.  Nothing is asserted: the goals are printed
# along with whether this run met them.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "bench: go not found (run scripts/setup.sh)" >&2; exit 2; }

ROOT=${1:-${ROOT:-$(go env GOROOT)/src}}
RUNS=${RUNS:-3}
[[ -d $ROOT || -f $ROOT ]] || { echo "bench: $ROOT: no such file or directory" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number" >&2; exit 2; }

out=bench/out
mkdir -p "$out"

echo "bench: building ./build (release, profile-guided) and go/cmd/parsebench"
bash scripts/build.sh >/dev/null
(cd go && go build -o ../"$out"/parsebench ./cmd/parsebench)
leakscope=build/leakscope
parsebench=$out/parsebench

# Runs `leakscope parse -q --stats -j$1 ROOT` and prints its stats line.
# Exit status 2 is expected: GOROOT has files with deliberate syntax errors.
leakscope_run() {
    local line rc=0
    line=$("$leakscope" parse -q --stats -j"$1" "$ROOT" 2>&1 >/dev/null) || rc=$?
    if ((rc != 0 && rc != 2)); then
        echo "bench: leakscope parse -j$1 exited with status $rc: $line" >&2
        exit 1
    fi
    line=$(grep '^leakscope parse: ' <<<"$line" | tail -n 1)
    [[ -n $line ]] || { echo "bench: leakscope printed no stats line" >&2; exit 1; }
    echo "$line"
}

# field NAME LINE: the value of NAME=... in a stats line.
field() { grep -oE "(^| )$1=[^ ]+" <<<"$2" | head -n 1 | cut -d= -f2; }

# best_of FIELD N -jJ: of N leakscope runs, the stats line with the least FIELD
# (seconds: wall clock, reading included; parse_seconds: inside the parser).
best_of() {
    local key=$1 n=$2 j=$3 best= best_s= line s
    for ((i = 0; i < n; i++)); do
        line=$(leakscope_run "$j")
        s=$(field "$key" "$line")
        if [[ -z $best_s ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best=$line best_s=$s
        fi
    done
    echo "$best"
}

echo "bench: ROOT=$ROOT, best of $RUNS runs, $(nproc) cores"
echo "bench: warming the page cache (untimed)"
"$parsebench" -runs 1 "$ROOT" >/dev/null
leakscope_run 1 >/dev/null

echo "bench: go/parser"
go_line=$("$parsebench" -runs "$RUNS" "$ROOT")
echo "  $go_line"
echo "bench: leakscope -j1, parser only (files read beforehand, like go/parser)"
p1_line=$(best_of parse_seconds "$RUNS" 1)
echo "  $p1_line"
echo "bench: leakscope -j1, reading files too (wall clock)"
j1_line=$(best_of seconds "$RUNS" 1)
echo "  $j1_line"
echo "bench: leakscope -j2, reading files too (wall clock)"
j2_line=$(best_of seconds "$RUNS" 2)
echo "  $j2_line"

ts_mbps=
if command -v tree-sitter >/dev/null 2>&1; then
    echo "bench: tree-sitter (one process per batch of files, includes start-up and reading)"
    list=$(mktemp)
    trap 'rm -f "$list"' EXIT
    find "$ROOT" -type f -name '*.go' -print0 >"$list"
    ts_bytes=$(xargs -0 cat <"$list" | wc -c)
    if tree-sitter parse --quiet examples/leakyserver/main.go >/dev/null 2>&1; then
        t0=$(date +%s.%N)
        # (exit status ignored: GOROOT has files with syntax errors)
        xargs -0 tree-sitter parse --quiet <"$list" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        ts_mbps=$(awk -v b="$ts_bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.1f", b / 1e6 / (z - a) }')
        echo "  tree-sitter bytes=$ts_bytes seconds=$(awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.3f", z - a }') MBps=$ts_mbps"
    else
        echo "  tree-sitter cannot parse Go here (no Go grammar configured?); skipped"
    fi
else
    echo "bench: tree-sitter not installed; skipped"
fi

go_files=$(field files "$go_line") go_bytes=$(field bytes "$go_line")
ls_files=$(field files "$j1_line") ls_bytes=$(field bytes "$j1_line")
if [[ $go_files != "$ls_files" || $go_bytes != "$ls_bytes" ]]; then
    echo "bench: warning: go/parser read $go_files files ($go_bytes bytes), leakscope $ls_files ($ls_bytes bytes)"
fi

go_mbps=$(field MBps "$go_line")
p1_mbps=$(field parse_MBps "$p1_line")
j1_mbps=$(field MBps "$j1_line")
j2_mbps=$(field MBps "$j2_line")
ratio=$(awk -v a="$p1_mbps" -v b="$go_mbps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
ratio_wall=$(awk -v a="$j1_mbps" -v b="$go_mbps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
speedup=$(awk -v a="$j2_mbps" -v b="$j1_mbps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

echo
printf '%s files, %s bytes (%s)\n' "$go_files" "$go_bytes" "$ROOT"
printf '%-46s %10s\n' "parser" "MB/s"
printf '%-46s %10s\n' "go/parser (1 goroutine, files in memory)" "$go_mbps"
[[ -n $ts_mbps ]] && printf '%-46s %10s\n' "tree-sitter CLI" "$ts_mbps"
printf '%-46s %10s\n' "leakscope -j1 (parser only)" "$p1_mbps"
printf '%-46s %10s\n' "leakscope -j1 (reading files too)" "$j1_mbps"
printf '%-46s %10s\n' "leakscope -j2 (reading files too)" "$j2_mbps"
printf '%-46s %10sx\n' "ratio leakscope -j1 / go/parser (parser only)" "$ratio"
printf '%-46s %10sx\n' "ratio leakscope -j1 / go/parser (reading too)" "$ratio_wall"
printf '%-46s %10sx\n' "speed-up leakscope -j2 / -j1 (wall clock)" "$speedup"
echo
met() { awk -v v="$1" -v g="$2" 'BEGIN { exit !(v >= g) }' && echo "met" || echo "NOT met"; }
echo "goal: >= 4x go/parser, -j2 >= 1.7x -j1"
echo "  leakscope -j1 / go/parser = ${ratio}x (parser only, like for like): $(met "$ratio" 4)"
echo "  -j2 / -j1 = ${speedup}x: $(met "$speedup" 1.7)"
