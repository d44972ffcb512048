#!/bin/sh
# `leakscope lineage build -- go run .` on a small module: the go command
# runs with the overlay of go/lineage/cmd/lineage-overlay, the program
# writes events, the sources stay as they were, and `leakscope lineage`
# finds the broken chain at the user's own line.  A correct program gives
# no finding.  Exits 77 (skipped) without go or without the lineage
# package and its overlay tool in the Go module (LEAKSCOPE_GO_DIR, else
# the source tree's go/).
#
#   sh tests/cli_lineage_build.sh path/to/leakscope path/to/repo
. "$(dirname "$0")/lib.sh"
ls=$1
root=$2
go_dir=${LEAKSCOPE_GO_DIR:-$root/go}
[ -d "$go_dir/lineage/cmd/lineage-overlay" ] || { echo "cli_lineage_build: no $go_dir/lineage/cmd/lineage-overlay; skipped"; exit 77; }
command -v go >/dev/null 2>&1 || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "cli_lineage_build: go not found; skipped"; exit 77; }
export LEAKSCOPE_GO_DIR="$go_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bad" "$work/good"

cat >"$work/bad/go.mod" <<'GO'
module example.com/bad

go 1.26
GO
cp "$work/bad/go.mod" "$work/good/go.mod"
sed -i 's/bad/good/' "$work/good/go.mod"
cat >"$work/bad/main.go" <<'GO'
package main

import (
	"context"
	"time"
)

func fetch(ctx context.Context) {
	c, cancel := context.WithTimeout(context.Background(), time.Second) // line 9: ignores ctx
	defer cancel()
	_ = c
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fetch(ctx)
}
GO
sed -e 's/context.Background(), time.Second) .*/ctx, time.Second)/' "$work/bad/main.go" >"$work/good/main.go"
before=$(cksum <"$work/bad/main.go")

cd "$work/bad" || exit 1
run "$ls" lineage build -o events-%p.jsonl -- go run .
expect_status 0 "build: go run's status"
expect_match err.txt 'events go to .*/bad/events-%p.jsonl' "build: says where events go"
[ "$(cksum <main.go)" = "$before" ] && pass || fail "build: main.go was changed"
run "$ls" lineage --format json -o report.json events-*.jsonl
expect_status 1 "bad program: findings"
python3 - report.json <<'PY' && pass || fail "bad program: want exactly one new-root at main.go:9 (report: $(cat report.json))"
import json, sys
r = json.load(open(sys.argv[1]))
f = r["findings"]
assert sum(r["totals"].values()) == 1 and r["totals"]["new-root"] == 1, r["totals"]
assert f[0]["file"].endswith("/bad/main.go") and f[0]["line"] == 9 and f[0]["func"] == "main.fetch", f
PY

cd "$work/good" || exit 1
run "$ls" lineage build -- go run .
expect_status 0 "good: go run's status"
run "$ls" lineage lineage-*.jsonl
expect_status 0 "good program: no findings"
expect_match out.txt '^0 findings' "good program: closing line"

run "$ls" lineage build -- make
expect_status 2 "build: only the go command"
expect_match err.txt 'give the go command after --' "build: says what it wants"
finish
