#!/bin/sh
# Real programs under tests/lineage/progs (docs/lineage.md, "Real
# programs"): the four causes of a deadline without effect, each as a bad
# and a good program built with `leakscope lineage build -- go build`
# (sources unchanged, contexts traced through the overlay), and the chain
# HTTP -> goroutine -> RPC across two processes (chain/, which uses the
# lineage package directly: Middleware and Transport).  Each bad program
# must give exactly the expected findings (kind, creation site file:line,
# function, count), each good one none.  Exits 77 (skipped) without go,
# jq, or the lineage package and its overlay tool (LEAKSCOPE_GO_DIR, else
# the source tree's go/).
#
#   sh tests/cli_lineage_progs.sh path/to/leakscope path/to/repo
. "$(dirname "$0")/lib.sh"
ls=$1
root=$2
progs=$root/tests/lineage/progs
go_dir=${LEAKSCOPE_GO_DIR:-$root/go}
[ -d "$go_dir/lineage/cmd/lineage-overlay" ] || { echo "cli_lineage_progs: no $go_dir/lineage/cmd/lineage-overlay; skipped"; exit 77; }
command -v go >/dev/null 2>&1 || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "cli_lineage_progs: go not found; skipped"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "cli_lineage_progs: jq not found (scripts/setup.sh installs it); skipped"; exit 77; }
export LEAKSCOPE_GO_DIR="$go_dir"
work=$(mktemp -d)
bpid=
trap '[ -n "$bpid" ] && kill "$bpid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1

# line_of FILE: the line marked "// FINDING" in FILE.
line_of() { grep -n '// FINDING' "$1" | cut -d: -f1; }

# expect_report REPORT WHAT JQ-ARGS... FILTER: the JSON report satisfies
# FILTER (a jq expression that must give true).
expect_report() {
    report=$1 what=$2
    shift 2
    if jq -e "$@" "$report" >/dev/null 2>jq.err; then pass; else
        fail "$what; report: $(jq -c '{totals, findings: [.findings[] | {kind, file, line, func, count}]}' "$report" 2>/dev/null || head -c 500 "$report")"
    fi
}

# The exact findings: one entry, of KIND, at the marked line of FILE, in
# FUNC, count 1, and no other finding.
only_finding() {
    expect_report "$1" "$2: want exactly one $3 at $4:$(line_of "$4") in $5" \
        --arg kind "$3" --arg file "$4" --argjson line "$(line_of "$4")" --arg func "$5" '
        ([.totals[]] | add) == 1 and .totals[$kind] == 1 and (.findings | length) == 1 and
        (.findings[0] | .kind == $kind and .file == $file and .line == $line and
                        .func == $func and .count == 1 and .derived == 1)'
}

# two_findings REPORT WHAT KIND1 KIND2 FILE FUNC: exactly two findings,
# one of each kind, both at FILE's marked line in FUNC, count 1.
two_findings() {
    expect_report "$1" "$2: want exactly one $3 and one $4 at $5:$(line_of "$5") in $6" \
        --arg k1 "$3" --arg k2 "$4" --arg file "$5" --argjson line "$(line_of "$5")" --arg func "$6" '
        ([.totals[]] | add) == 2 and .totals[$k1] == 1 and .totals[$k2] == 1 and (.findings | length) == 2 and
        ([.findings[].kind] | sort) == ([$k1, $k2] | sort) and
        all(.findings[]; .file == $file and .line == $line and .func == $func and .count == 1 and .derived == 1)'
}

# broken_edge_is EVENTS DOT SOURCE WHAT: the new root made at SOURCE's
# "// FINDING" line was started by the goroutine that made the context at
# its "// HELD" line (the root's cg), and the DOT graph's broken edge runs
# from that context to the root.
broken_edge_is() {
    ids=$(jq -rs --argjson line "$(line_of "$3")" --argjson held "$(grep -n '// HELD' "$3" | cut -d: -f1)" '
        (map(select(.ev == "derive" and .line == $held)) | .[0]) as $h |
        (map(select(.ev == "derive" and .line == $line)) | .[0]) as $r |
        if $h != null and $r != null and $r.cg == $h.g and $r.g != $h.g and ($r | has("held") | not)
        then "\($h.id) \($r.id)" else empty end' "$1")
    held_id=${ids% *} root_id=${ids#* }
    hn=$(grep -o "^  n[0-9]* \[label=.*tooltip=\"$held_id\"" "$2" | sed 's/^  \(n[0-9]*\).*/\1/')
    rn=$(grep -o "^  n[0-9]* \[label=.*tooltip=\"$root_id\"" "$2" | sed 's/^  \(n[0-9]*\).*/\1/')
    if [ -n "$ids" ] && [ -n "$hn" ] && [ -n "$rn" ] &&
            grep -q "^  $hn -> $rn \[color=red, style=dashed, label=\"broken: new root\"\];" "$2"; then pass; else
        fail "$4: the new root's cg is not the goroutine of the HELD context, or the DOT graph has no broken edge from it ($ids; $hn -> $rn)"
    fi
}

# ---- the four causes, traced through the overlay ----
cd "$progs" || exit 1
before=$(cat ./*/*/main.go go.mod | cksum)
for c in noctx overwritten expired valueroot; do
    for v in bad good; do
        if "$ls" lineage build -- go build -o "$work/$c-$v" "./$c/$v" >"$work/build.txt" 2>&1; then pass; else
            fail "lineage build of $c/$v: $(tail -5 "$work/build.txt")"
        fi
    done
done
[ "$(cat ./*/*/main.go go.mod | cksum)" = "$before" ] && pass || fail "lineage build changed the sources"
cd "$work" || exit 1
for c in noctx overwritten expired valueroot; do
    for v in bad good; do
        LEAKSCOPE_LINEAGE="$work/$c-$v.jsonl" timeout 20 "./$c-$v" >/dev/null 2>"$c-$v.err"
        [ $? -eq 0 ] && pass || fail "$c/$v: exit status; stderr: $(head -c 300 "$c-$v.err")"
        run "$ls" lineage --format json -o "$c-$v.json" "$c-$v.jsonl"
        if [ "$v" = good ]; then
            expect_status 0 "$c/good: no findings"
            expect_report "$c-$v.json" "$c/good: no findings, no bad lines" \
                '([.totals[]] | add) == 0 and .bad_lines == 0 and .drops == 0 and .derives >= 2'
        else
            expect_status 1 "$c/bad: findings"
        fi
    done
done
# 1. No context passed: the goroutine's Background root while main, which
#    started the goroutine, held the request's context (new-root through
#    the root's "cg"); and that root outlives the request (live-at-end).
two_findings noctx-bad.json "no ctx passed" new-root live-at-end "$progs/noctx/bad/main.go" main.main.func1
run "$ls" lineage --format dot -o noctx-bad.dot noctx-bad.jsonl
broken_edge_is noctx-bad.jsonl noctx-bad.dot "$progs/noctx/bad/main.go" "no ctx passed"
# 2. Context overwritten: the handler's Background root, while the
#    middleware's deadline context was live on the same goroutine.
only_finding overwritten-bad.json "ctx overwritten" new-root "$progs/overwritten/bad/main.go" main.handle
# 3. Parent already expired: the 5 s timeout can never fire first.
only_finding expired-bad.json "parent already expired" timeout-no-effect "$progs/expired/bad/main.go" main.main
expect_report expired-bad.json "parent already expired: too long by more than the 5 s asked" \
    '.findings[0].age_max_us > 5000000'
# 4. WithValue(Background): the value root, held context on the goroutine.
only_finding valueroot-bad.json "WithValue(Background)" new-root "$progs/valueroot/bad/main.go" main.serve

# held_is EVENTS SOURCE WHAT: the new root at SOURCE's "// FINDING" line
# names as held the context made at its "// HELD" line (the broken edge
# starts at the right context).
held_is() {
    if jq -se --argjson line "$(line_of "$2")" --argjson held "$(grep -n '// HELD' "$2" | cut -d: -f1)" '
            (map(select(.ev == "derive" and .line == $line)) | .[0].held) as $h |
            $h != null and (map(select(.ev == "derive" and .id == $h)) | length == 1 and .[0].line == $held)' "$1" >/dev/null; then pass; else
        fail "$3: the new root's held context is not the one made at the HELD line of $2"
    fi
}
held_is overwritten-bad.jsonl "$progs/overwritten/bad/main.go" "ctx overwritten"
held_is valueroot-bad.jsonl "$progs/valueroot/bad/main.go" "WithValue(Background)"

# ---- the chain across two processes ----
cd "$progs/chain" || exit 1
for v in bad good; do
    if go build -o "$work/chain-$v" "./$v" >"$work/build.txt" 2>&1; then pass; else
        fail "go build of chain/$v: $(tail -5 "$work/build.txt")"
    fi
done
cd "$work" || exit 1
for v in bad good; do
    rm -f b.addr
    timeout 30 "./chain-$v" -role b -events "B-$v.jsonl" -addr-file b.addr 2>"B-$v.err" &
    bpid=$!
    i=0
    while [ ! -s b.addr ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    timeout 20 "./chain-$v" -role a -events "A-$v.jsonl" -b "$(cat b.addr)" >"A-$v.out" 2>"A-$v.err"
    [ $? -eq 0 ] && pass || fail "chain/$v: process A's status; stderr: $(head -c 300 "A-$v.err")"
    wait "$bpid"
    [ $? -eq 0 ] && pass || fail "chain/$v: process B's status; stderr: $(head -c 300 "B-$v.err")"
    bpid=
    expect_match "A-$v.out" '^checkout: 504 ' "chain/$v: A's deadline (500 ms) answers the request"
    # The caller's file first: B's request context joins A's (remote_parent).
    run "$ls" lineage --format json -o "chain-$v.json" "A-$v.jsonl" "B-$v.jsonl"
    expect_report "chain-$v.json" "chain/$v: two files, nothing bad" \
        '.files == 2 and .bad_lines == 0 and .drops == 0 and .orphan_ends == 0'
    # B's request context is a root:remote child of A's 500 ms context, the
    # one the goroutine made its call under.
    a_ctx=$(jq -r 'select(.ev == "derive" and .kind == "timeout") | .id' "A-$v.jsonl")
    if [ -n "$a_ctx" ] && jq -se --arg a "$a_ctx" 'map(select(.ev == "derive" and .parent == "root:remote")) |
            length == 1 and .[0].remote_parent == $a' "B-$v.jsonl" >/dev/null; then pass; else
        fail "chain/$v: B's request context does not name A's ($a_ctx) as remote_parent"
    fi
done
expect_status 0 "chain/good: no findings"
expect_report chain-good.json "chain/good: no findings" '([.totals[]] | add) == 0'
# Good: A's deadline reached B's task across the wire: it ended with its
# parent (the request, cancelled when A dropped the call), before its own 2 s.
if jq -se 'map(select(.ev == "derive" and .func == "main.servePrice")) as $d | ($d | length) == 1 and
        (map(select(.ev == "end" and .id == $d[0].id)) | .[0].how == "parent" and .[0].t < $d[0].deadline)' B-good.jsonl >/dev/null; then pass; else
    fail "chain/good: B's task did not end with A's deadline: $(grep servePrice B-good.jsonl | head -c 400)"
fi
run "$ls" lineage --format json -o chain-bad.json A-bad.jsonl B-bad.jsonl
expect_status 1 "chain/bad: findings"
only_finding chain-bad.json "chain: callee ignores the caller's deadline" new-root "$progs/chain/bad/main.go" main.servePrice
# The held context is B's request context (made by lineage.Middleware),
# the one joined to A's.
if jq -se --argjson line "$(line_of "$progs/chain/bad/main.go")" '
        (map(select(.ev == "derive" and .line == $line)) | .[0].held) as $h |
        map(select(.ev == "derive" and .id == $h)) | length == 1 and .[0].parent == "root:remote"' B-bad.jsonl >/dev/null; then pass; else
    fail "chain/bad: the new root's held context is not B's root:remote request context"
fi
# Bad: the task ran its own full second after A had given up.
if jq -se 'map(select(.ev == "derive" and .func == "main.servePrice")) as $d |
        (map(select(.ev == "end" and .id == $d[0].id)) | .[0].how == "deadline")' B-bad.jsonl >/dev/null; then pass; else
    fail "chain/bad: B's task should have run to its own deadline"
fi
finish
