#!/bin/sh
# `leakscope lineage build -- go run .` on a small module: the go command
# runs with the overlay of go/lineage/cmd/lineage-overlay, the program
# writes events, the sources stay as they were, and `leakscope lineage`
# finds the broken chain at the user's own line.  A correct program gives
# no finding.  Under a go.work every module of the workspace is traced; a
# vendored module stops with a message naming -mod=mod, and runs with it.  Exits 77 (skipped) without go or without the lineage
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

# A go.work with two modules: the derivation in lib, the other module, is
# traced too; run from the workspace's directory (no go.mod there) too.
mkdir -p "$work/ws/app" "$work/ws/lib"
printf 'go 1.26\n\nuse (\n\t./app\n\t./lib\n)\n' >"$work/ws/go.work"
printf 'module example.com/lib\n\ngo 1.26\n' >"$work/ws/lib/go.mod"
printf 'module example.com/app\n\ngo 1.26\n' >"$work/ws/app/go.mod"
cat >"$work/ws/lib/lib.go" <<'GO'
package lib

import "context"

func Child(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx) // line 6
}
GO
cat >"$work/ws/app/main.go" <<'GO'
package main

import (
	"context"
	"fmt"
	"time"

	"example.com/lib"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second) // line 12
	defer cancel()
	child, stop := lib.Child(ctx)
	defer stop()
	fmt.Println("ran", child.Err())
}
GO
lib_before=$(cksum <"$work/ws/lib/lib.go")
# derives FILE: the "file:line" of every derive event in FILE, sorted.
derives() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["ev"] == "derive":
        print("%s:%d" % (e["file"], e["line"]))' "$1" | sort; }

cd "$work/ws/app" || exit 1
GOWORK= run "$ls" lineage build -o ws-%p.jsonl -- go run .
expect_status 0 "workspace: go run's status"
expect_match out.txt '^ran <nil>$' "workspace: the program ran"
expect_match err.txt 'workspace .*/ws/go.work: rewriting its 2 modules' "workspace: says it rewrites both modules"
[ "$(cat ws-*.jsonl | derives /dev/stdin)" = "$(printf '%s\n' "$work/ws/app/main.go:12" "$work/ws/lib/lib.go:6" | sort)" ] && pass ||
    fail "workspace: want derives at app/main.go:12 and lib/lib.go:6, got $(cat ws-*.jsonl | derives /dev/stdin)"
[ "$(cksum <"$work/ws/lib/lib.go")" = "$lib_before" ] && pass || fail "workspace: lib.go was changed"
cd "$work/ws" || exit 1
GOWORK= run "$ls" lineage build -o root-%p.jsonl -- go run ./app
expect_status 0 "workspace from its directory: go run's status"
[ "$(cat root-*.jsonl | derives /dev/stdin | grep -c /ws/lib/lib.go:6)" = 1 ] && pass ||
    fail "workspace from its directory: no derive at lib/lib.go:6"

# A vendored module (its dependency comes from a local directory, so
# nothing is fetched): the go command would read vendor/, where the
# lineage package cannot go, so the build stops first and names -mod=mod,
# with which it runs and is traced.
mkdir "$work/vend"
cp -r "$work/ws/lib" "$work/vend/lib"
cp -r "$work/ws/app" "$work/vend/app"
rm -f "$work/vend/app"/*.jsonl
printf 'module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n' \
    >"$work/vend/app/go.mod"
cd "$work/vend/app" || exit 1
GOWORK=off GOFLAGS= go mod vendor || fail "vendored: go mod vendor"
GOWORK=off GOFLAGS= run "$ls" lineage build -- go run .
expect_status 2 "vendored: stops before the go command"
expect_match err.txt 'reads packages from .*/vend/app/vendor \(-mod=vendor\)' "vendored: says why"
expect_match err.txt 'Add -mod=mod to the go command' "vendored: names the fix"
expect_empty out.txt "vendored: the program did not run"
GOWORK=off GOFLAGS= run "$ls" lineage build -o vend-%p.jsonl -- go run -mod=mod .
expect_status 0 "vendored with -mod=mod: go run's status"
expect_match out.txt '^ran <nil>$' "vendored with -mod=mod: the program ran"
[ "$(cat vend-*.jsonl | derives /dev/stdin | grep -c /vend/app/main.go:12)" = 1 ] && pass ||
    fail "vendored with -mod=mod: no derive at app/main.go:12"
GOWORK=off GOFLAGS=-mod=mod run "$ls" lineage build -- go build -o /dev/null .
expect_status 0 "vendored with GOFLAGS=-mod=mod: go build's status"
finish
