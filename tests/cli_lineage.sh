#!/bin/sh
# `leakscope lineage` as a program: each finding kind on generated event
# files with exact counts (JSON), a correct file without findings, every
# output format, bad input named by file and line, exit statuses.
#
#   sh tests/cli_lineage.sh path/to/leakscope path/to/repo
. "$(dirname "$0")/lib.sh"
ls=$1
root=$2
gen="python3 $root/tests/lineage/gen_events.py"
command -v python3 >/dev/null 2>&1 || { echo "cli_lineage: python3 is needed (tests/lineage/gen_events.py)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# total KIND FILE: the JSON report's count of findings of KIND
total() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[2]))["totals"][sys.argv[1]])' "$1" "$2"
}
all_totals() {
    python3 -c 'import json,sys; print(sum(json.load(open(sys.argv[1]))["totals"].values()))' "$1"
}

# ---- a correct program: nothing found ----------------------------------------
$gen --events 3000 --window 50 -o clean.jsonl
run "$ls" lineage clean.jsonl
expect_status 0 "correct events"
expect_match out.txt '^0 findings in 0 creation sites; [0-9]+ events' "the closing line"
expect_empty err.txt "correct events: stderr"

# ---- each kind of finding, exactly as many as injected -----------------------
for spec in never-cancelled:never-cancelled:3 live-at-end:live-at-end:2 new-root:new-root:4 \
            new-root-held:new-root:2 new-root-creator:new-root:3 cancel-lost:cancel-lost:3 timeout-no-effect:timeout-no-effect:5 \
            value-deep:value-deep:2 late-end:late-end:3; do
    inject=${spec%%:*} rest=${spec#*:}
    kind=${rest%%:*} n=${rest#*:}
    $gen --events 2000 --window 40 --inject "$inject=$n" -o "$inject.jsonl"
    run "$ls" lineage --format json -o "$inject.json" "$inject.jsonl"
    expect_status 1 "$inject: findings"
    got=$(total "$kind" "$inject.json") all=$(all_totals "$inject.json")
    if [ "$got" = "$n" ] && [ "$all" = "$n" ]; then pass; else
        fail "$inject: want $n $kind and nothing else, got $got of it and $all in all"
    fi
done

# request roots made from Background by goroutines that goroutine 1 (which
# holds nothing) started: the creator lookup finds nothing
$gen --events 2000 --window 40 --cg -o cg-clean.jsonl
run "$ls" lineage --format json -o cg-clean.json cg-clean.jsonl
expect_status 0 "cg on every root, creators holding nothing: no findings"

# every kind at once, in text: grouped by creation site, with counts
$gen --events 500 --inject never-cancelled=2 --inject cancel-lost=1 --inject value-deep=1 \
    --inject new-root=1 --inject timeout-no-effect=1 --inject late-end=1 --drops 12 -o mixed.jsonl
run "$ls" lineage mixed.jsonl
expect_status 1 "mixed: findings"
expect_match out.txt '^never-cancelled: 2 contexts' "mixed: never-cancelled heading"
expect_match out.txt '^  /src/app/worker.go:31 main.startWorker: 2, age up to' "mixed: the site of never-cancelled"
expect_match out.txt '^  /src/app/fanout.go:18 main.fanout: 1' "mixed: the site of cancel-lost"
expect_match out.txt '^  /src/app/mw.go:61 main.decorate: 1, depth up to 11' "mixed: value depth"
expect_match out.txt '^7 findings in 6 creation sites' "mixed: closing line"
expect_match out.txt '^warning: the writer dropped 12 events' "mixed: drops reported"

# thresholds
run "$ls" lineage --format json --max-value-depth 11 --late 5s -o t.json mixed.jsonl
expect_status 1 "thresholds"
if [ "$(total value-deep t.json)" = 0 ] && [ "$(total late-end t.json)" = 0 ]; then pass; else
    fail "--max-value-depth 11 --late 5s should silence value-deep and late-end"
fi

# ---- stdin, several files, DOT ------------------------------------------------
run sh -c "cat never-cancelled.jsonl | \"$ls\" lineage --format json -o stdin.json -"
expect_status 1 "stdin"
[ "$(total never-cancelled stdin.json)" = 3 ] && pass || fail "stdin: 3 never-cancelled"
run "$ls" lineage --format json -o two.json never-cancelled.jsonl cancel-lost.jsonl
[ "$(all_totals two.json)" = 6 ] && pass || fail "two files: 6 findings"
run "$ls" lineage --format dot mixed.jsonl
expect_status 1 "dot"
expect_match out.txt '^digraph lineage \{' "dot: a digraph"
expect_match out.txt 'color=red, style=dashed, label="cancel lost"' "dot: the lost cancel is red and dashed"
expect_match out.txt 'color=red, style=dashed, label="broken: new root"' "dot: the broken chain is red and dashed"
expect_match out.txt 'never-cancelled", .*peripheries=2' "dot: never-cancelled marked"
if command -v dot >/dev/null 2>&1; then
    dot -Tsvg out.txt >/dev/null 2>dot.err && pass || fail "dot rejects the graph: $(head -3 dot.err)"
fi

# ---- bad input: named by file and line, the rest still read --------------------
cp never-cancelled.jsonl bad.jsonl
printf 'garbage\n{"ev":"end","id":"x"\n' >>bad.jsonl
printf '{"ev":"end","id":"ln-1","t":1,"how":"can' >>bad.jsonl # the writer died mid-line
lines=$(wc -l <never-cancelled.jsonl)
run "$ls" lineage bad.jsonl
expect_status 2 "bad lines: exit 2"
expect_match err.txt "^bad.jsonl:$((lines + 1)): error: not a lineage event" "bad lines: file and line"
expect_match err.txt "^bad.jsonl:$((lines + 2)): error: not a lineage event: truncated" "bad lines: the second"
expect_match err.txt "^bad.jsonl:$((lines + 3)): error: the last line is cut short" "bad lines: cut last line"
expect_match out.txt '^never-cancelled: 3 contexts' "bad lines: the rest still read"
run "$ls" lineage missing.jsonl never-cancelled.jsonl
expect_status 2 "a missing file"
expect_match err.txt 'missing.jsonl: No such file' "a missing file named"
expect_match out.txt '^never-cancelled: 3 contexts' "a missing file: the others still read"

# ---- usage ------------------------------------------------------------------------
run "$ls" lineage --help
expect_status 0 "--help"
expect_match out.txt '^usage: leakscope lineage' "--help: usage"
run "$ls" lineage
expect_status 2 "no files"
run "$ls" lineage --format svg clean.jsonl
expect_status 2 "bad format"
expect_match err.txt 'wants text, json, dot or html' "bad format named"
run "$ls" lineage --late soon clean.jsonl
expect_status 2 "bad --late"
run "$ls" --help
expect_match out.txt '^  lineage ' "leakscope --help lists lineage"
run "$ls" lineage -o no/such/dir/report.txt clean.jsonl
expect_status 2 "-o in a missing directory"
expect_match err.txt 'cannot create no/such/dir/report.txt' "-o: the path named"
if [ -w /dev/full ]; then
    run "$ls" lineage -o /dev/full mixed.jsonl
    expect_status 3 "a report that cannot be written"
fi

finish
