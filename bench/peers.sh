#!/usr/bin/env bash
# Peer test suites: the testdata of go vet's lostcancel pass, of contextcheck
# and of bodyclose, fetched through the Go module proxy into a temporary
# module cache (never into this repository), linted with the leakscope rules
# that cover the same ground; prints how many of each suite's expected
# diagnostics (`// want` comments) we reproduce (bench/README.md).
#
#   bash bench/peers.sh
#   TOOLS_VERSION=v0.52.0 CONTEXTCHECK_VERSION=v1.1.6 BODYCLOSE_VERSION=... bash bench/peers.sh
#   KEEP=1 bash bench/peers.sh          # keep the temporary module cache (path printed)
#
# A want is reproduced when one of our findings, or the related position of
# one (CTX001's "this return is reached without calling cancel", which go vet
# reports as a second diagnostic), is on the want's line; each finding or
# related position counts for one want.  Extra: our findings on lines with no
# want.  Fact wants (`// want package:"..."`) are not diagnostics and are not
# counted.  Nothing is asserted: the goals are printed with whether they are met.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
repo=$PWD

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "peers: go not found (run scripts/setup.sh)" >&2; exit 2; }
command -v jq >/dev/null 2>&1 || { echo "peers: jq not found (run scripts/setup.sh)" >&2; exit 2; }

# Pinned so that runs compare; `go list -m -versions MODULE` lists newer ones.
TOOLS_VERSION=${TOOLS_VERSION:-v0.52.0}
CONTEXTCHECK_VERSION=${CONTEXTCHECK_VERSION:-v1.1.6}
BODYCLOSE_VERSION=${BODYCLOSE_VERSION:-v0.0.0-20260723120731-857993a2939c}

build=build-bench
echo "peers: building ./$build (RelWithDebInfo)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" leakscope >/dev/null
leakscope=$repo/$build/leakscope

tmp=$(mktemp -d)
if [[ ${KEEP:-0} == 1 ]]; then
    echo "peers: keeping $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi
# A module cache of our own; -modcacherw so that it can be removed.
export GOPATH=$tmp/gopath GOMODCACHE=$tmp/gopath/pkg/mod GOFLAGS=-modcacherw GO111MODULE=on

fetch() {
    local dir
    dir=$(cd "$tmp" && go mod download -json "$1") || { echo "peers: cannot download $1" >&2; exit 2; }
    dir=$(jq -r '.Dir // empty' <<<"$dir")
    [[ -d $dir ]] || { echo "peers: $1: no directory in go mod download's answer" >&2; exit 2; }
    echo "$dir"
}

# wants FILE...: one line per expected diagnostic, "path:line<TAB>regexp",
# from analysistest's `// want "re" `re`...` comments; fact wants
# (name:"re") are left out.
wants() {
    awk '
    {
        i = index($0, "// want ")
        if (i == 0) next
        s = substr($0, i + 8)
        while (length(s) > 0) {
            sub(/^[ \t]+/, "", s)
            if (s ~ /^[A-Za-z_][A-Za-z0-9_]*:/) { fact = 1; sub(/^[A-Za-z_][A-Za-z0-9_]*:/, "", s) } else fact = 0
            q = substr(s, 1, 1)
            if (q == "`") {
                j = index(substr(s, 2), "`")
                if (j == 0) break
                re = substr(s, 2, j - 1); s = substr(s, j + 2)
            } else if (q == "\"") {
                re = ""; k = 2
                while (k <= length(s)) {
                    ch = substr(s, k, 1)
                    if (ch == "\\") { re = re substr(s, k, 2); k += 2; continue }
                    if (ch == "\"") break
                    re = re ch; k++
                }
                s = substr(s, k + 1)
            } else break
            if (!fact) printf "%s:%d\t%s\n", FILENAME, FNR, re
        }
    }' "$@"
}

# suite NAME DIR RULES GOAL_PCT NO_EXTRA <<<"OUT-OF-SCOPE LIST"
# DIR holds the suite's src/.  Standard input lists the wants outside our
# rules' scope, one "path:line<TAB>reason" a line (docs/accuracy.md says why
# each is out of scope); every other want counts.
goals=()
suite() {
    local name=$1 dir=$2 rules=$3 goal=$4 noextra=$5 rc=0
    grep -v '^[[:space:]]*$' >"$tmp/$name.scope" || true
    echo
    echo "== $name: $dir"
    echo "   rules: $rules"
    (cd "$dir" && find . -name '*.go' -type f | sed 's|^\./||' | sort >"$tmp/$name.files")
    (cd "$dir" && "$leakscope" lint --format json --enable "$rules" ./...) >"$tmp/$name.json" 2>"$tmp/$name.err" || rc=$?
    if ((rc > 2)); then
        echo "peers: leakscope lint exited with status $rc" >&2
        cat "$tmp/$name.err" >&2
        exit 1
    fi
    jq -r '.errors[] | "   input error (the suite has deliberate errors, or we reject it): \(.path):\(.line):\(.column): \(.message)"' "$tmp/$name.json"
    # Our findings: "path:line<TAB>P|R<TAB>text" (P: the finding, R: its related position).
    jq -r '.findings[] | ("\(.path):\(.line)\tP\t\(.rule): \(.message)"),
                         (.related[]? | "\(.path):\(.line)\tR\t(related) \(.message)")' "$tmp/$name.json" \
        >"$tmp/$name.ours"
    (cd "$dir" && mapfile -t files <"$tmp/$name.files" && wants "${files[@]}") >"$tmp/$name.wants"

    awk -F'\t' -v tmp="$tmp" -v name="$name" '
    FILENAME ~ /\.scope$/ { oos[$1] = $2; next }
    FILENAME ~ /\.ours$/ { ours[$1] = ours[$1] + 1; kind[$1, ours[$1]] = $2; text[$1, ours[$1]] = $3; if ($2 == "P") prim[$1]++; next }
    {
        nw++
        haswant[$1] = 1
        if ($1 in oos) { out++; print "   out of scope: " $1 ": want \"" $2 "\" (" oos[$1] ")" }
        else {
            ins++; used[$1]++
            if (used[$1] <= ours[$1]) rep++
            else { miss++; print "   missed: " $1 ": want \"" $2 "\"" }
        }
    }
    END {
        for (k in prim) if (!(k in haswant)) {
            for (i = 1; i <= ours[k]; i++) if (kind[k, i] == "P") { extra++; print "   extra: " k ": " text[k, i] > (tmp "/" name ".extra") }
        }
        printf "%d %d %d %d %d %d\n", nw, ins, out + 0, rep, miss, extra > (tmp "/" name ".counts")
    }' "$tmp/$name.scope" "$tmp/$name.ours" "$tmp/$name.wants"
    [[ -f $tmp/$name.extra ]] && sort -t: -k1,1 -k2,2n "$tmp/$name.extra"

    local nw ins out rep miss extra pct met
    read -r nw ins out rep miss extra <"$tmp/$name.counts"
    echo "   expected $nw (in our rules' scope $ins, out of scope $out); reproduced $rep, missed $miss, extra $extra"
    pct=$(awk -v a="$rep" -v b="$ins" 'BEGIN { if (b > 0) printf "%.0f", 100 * a / b; else print 0 }')
    met=met
    awk -v p="$pct" -v g="$goal" 'BEGIN { exit !(p >= g) }' || met="not met"
    if [[ $noextra == 1 && $extra != 0 ]]; then met="not met"; fi
    local what="$pct% of $ins in scope reproduced (goal >= $goal%)"
    [[ $noextra == 1 ]] && what="$what, $extra extra (goal 0)"
    goals+=("$name: $what: $met")
}

echo "peers: fetching through the Go module proxy into $tmp ($(go env GOPROXY))"
tools=$(fetch "golang.org/x/tools@$TOOLS_VERSION")
contextcheck=$(fetch "github.com/kkHAIKE/contextcheck@$CONTEXTCHECK_VERSION")
bodyclose=$(fetch "github.com/timakin/bodyclose@$BODYCLOSE_VERSION")

suite lostcancel "$tools/go/analysis/passes/lostcancel/testdata/src" CTX001 90 1 </dev/null
# "Function `f` should pass the context parameter": the callee makes a new
# context somewhere in its own body (interprocedural, any depth).
suite contextcheck "$contextcheck/testdata/src" CTX003,CTX004 75 0 <<'EOF'
a/a.go:41	interprocedural: f3 makes the context
a/a.go:42	interprocedural: f6 calls f3, which makes the context
a/a.go:141	interprocedural: f3 makes the context
a/a.go:151	interprocedural: f3 makes the context
a/a.go:163	interprocedural: the closure calls f16 with a new context (we report the Background() on the next line)
a/a.go:169	interprocedural: the closures call f16 with a new context (we report the Background() two lines below)
EOF
# bodyclose: responses from other functions, bodies handed to other
# packages, and the -check-consumption mode are outside RES003's scope.
suite bodyclose "$bodyclose/passes/bodyclose/testdata/src" RES003 75 0 <<'EOF'
a/a.go:47	resp passed to fmt.Print: an escape for RES003 (the callee is in another package)
a/a.go:59	resp.Body passed to fmt.Print: an escape for RES003 (the callee is in another package)
a/issue4.go:17	resp.Body passed to http.MaxBytesReader: an escape for RES003 (the callee is in another package)
a/handledresponse.go:21	the response comes from a function of the package, not from a net/http call RES003 knows
a/no_import.go:4	the response comes from a function of the package, not from a net/http call RES003 knows
consumption/consumption.go:105	-check-consumption mode: the body is closed; RES003 does not require draining it
consumption/consumption.go:117	-check-consumption mode: the body is closed; RES003 does not require draining it
consumption/consumption.go:143	-check-consumption mode: the body is closed; RES003 does not require draining it
consumption/consumption.go:166	-check-consumption mode: the body is closed; RES003 does not require draining it
consumption/consumption.go:180	-check-consumption mode: the body is closed; RES003 does not require draining it
consumption/consumption.go:189	-check-consumption mode: the body is closed; RES003 does not require draining it
EOF
echo
echo "goals:"
for g in "${goals[@]}"; do echo "  $g"; done
