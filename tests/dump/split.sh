#!/bin/sh
# One dump file read by several threads (dump_read_buckets) gives the same
# buckets and counters as one thread: on every real dump that
# tests/dump/gen_fixtures.sh captures, on a large one replicated from them
# with fresh goroutine IDs, on concatenations of different dumps, on the
# hand-made broken inputs; a file whose first part learns a log prefix is
# read by one thread; and `leakscope dump -j1` and `-j2` print the same JSON.
#
#   sh tests/dump/split.sh DUMPSPLIT LEAKSCOPE SOURCE_DIR GO
. "$(dirname "$0")/../lib.sh"
dumpsplit=$1
leakscope=$2
src=$3
go=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fx=$work/fx
if ! sh "$src/tests/dump/gen_fixtures.sh" "$fx" "$go" >gen.log 2>&1; then
    fail "gen_fixtures.sh failed: $(tail -20 gen.log)"
    finish
    exit 1
fi

# replicate FILE N: FILE's stanzas N times, every goroutine ID (headers and
# "in goroutine M") moved up by k*10^6 in copy k, so that creators resolve
# within each copy and across part boundaries.
replicate() {
    awk -v copies="$2" '
        BEGIN { RS = ""; ORS = "\n\n" }
        /^goroutine [0-9]+ / { st[++n] = $0 }
        END {
            for (k = 0; k < copies; k++)
                for (i = 1; i <= n; i++) {
                    s = st[i]
                    match(s, /^goroutine [0-9]+ /)
                    out = "goroutine " (substr(s, 11, RLENGTH - 11) + k * 1000000) substr(s, RLENGTH)
                    while (match(out, /in goroutine [0-9]+\n/)) {
                        printf "%s", substr(out, 1, RSTART - 1) "in goroutine# " (substr(out, RSTART + 13, RLENGTH - 14) + k * 1000000) "\n"
                        out = substr(out, RSTART + RLENGTH)
                    }
                    print out
                }
        }' "$1" | sed 's/in goroutine# /in goroutine /'
}
replicate "$fx/goroutines.txt" 300 >big.txt
replicate "$fx/anc/goroutines.txt" 50 >anc-big.txt
cat "$fx/panicall.txt" big.txt "$fx/crash.txt" big.txt "$fx/deadlock.txt" >concat.txt
cat "$src/tests/dump/broken/junk.txt" big.txt "$src/tests/dump/broken/truncated.txt" big.txt \
    "$src/tests/dump/broken/mixed.txt" >broken-mix.txt
# A log prefix learned in the first part: the split must be undone.
cat "$src/tests/dump/broken/prefixed.txt" big.txt >prefixed-first.txt

for g in line func exact; do
    run "$dumpsplit" --group=$g "$fx/goroutines.txt" "$fx/goroutineleak.txt" "$fx/anc/goroutines.txt" \
        "$fx/deadlock.txt" "$fx/panicall.txt" "$fx/crash.txt" "$fx/quit.txt" big.txt anc-big.txt concat.txt broken-mix.txt
    expect_status 0 "--group=$g: the real dumps read in parts give what one thread gives"
done
expect_match out.txt '^big\.txt parts=2,3,4$' "the replicated dump is cut into 2, 3 and 4 parts"
expect_match out.txt '^concat\.txt parts=2,3,4$' "a concatenation of dumps is cut into parts"
expect_match out.txt '^broken-mix\.txt parts=2,3,4$' "junk and truncated stanzas between parts"
for f in "$src"/tests/dump/broken/*; do
    run "$dumpsplit" "$f"
    expect_status 0 "$(basename "$f"): read in parts (or not) as by one thread"
done
run "$dumpsplit" prefixed-first.txt
expect_status 0 "a log prefix in the first part: same result"
expect_match out.txt '^prefixed-first\.txt parts=1,1,1$' "a log prefix in the first part: read by one thread"

# The command line: a dump large enough for two parts of the default size
# (8 MiB each).
replicate "$fx/goroutines.txt" 2000 >cli.txt
run "$leakscope" dump -j1 --format json -o j1.json cli.txt
expect_status 1 "-j1 finds the leaks"
run "$leakscope" dump -j2 --format json -o j2.json cli.txt
expect_status 1 "-j2 finds the leaks"
if cmp -s j1.json j2.json; then pass; else fail "-j1 and -j2 print different JSON: $(cmp j1.json j2.json)"; fi
run "$leakscope" dump -j2 --stats cli.txt
expect_match out.txt 'cli\.txt: text, .* 92,000 goroutines, .*; read by 2 threads$' "--stats says the file was read by 2 threads"
run "$leakscope" dump -j0 cli.txt
expect_status 2 "-j0 is a usage error"
expect_match err.txt '-j wants a number of threads' "-j0: the message says what -j wants"
finish
