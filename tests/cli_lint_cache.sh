#!/bin/sh
# Tests of the result cache of `leakscope lint` (docs/lint.md, "Cache"):
# a first run fills $LEAKSCOPE_CACHE, a second one prints the same bytes
# (text, JSON, SARIF, and with suppression comments, a baseline and
# --enable), an edited file changes the result, --no-cache writes nothing,
# a corrupt or truncated entry is a miss, and an unwritable cache directory
# still lints.
#
# usage: cli_lint_cache.sh LEAKSCOPE_BINARY SOURCE_DIR
# Prints one line per failed check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source_dir=$(cd "$2" && pwd)
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_cache.XXXXXX") || exit 2
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 2
cache="$work/cache"
LEAKSCOPE_CACHE=$cache
export LEAKSCOPE_CACHE

mkdir src || exit 2
cp -R "$source_dir/tests/lint/testdata/CTX001" src/a || exit 2
cp -R "$source_dir/tests/lint/testdata/CTX002" src/b || exit 2
printf 'package broken\n\nfunc f( {\n' > src/broken.go
cd src || exit 2

# same_twice NAME ARGS...: a cold and a warm run print the same bytes and
# exit the same way.
same_twice() {
    name=$1
    shift
    rm -rf "$cache"
    "$leakscope" lint "$@" >"$work/$name.cold" 2>"$work/$name.cold.err"
    s1=$?
    "$leakscope" lint "$@" >"$work/$name.warm" 2>"$work/$name.warm.err"
    s2=$?
    "$leakscope" lint --no-cache "$@" >"$work/$name.none" 2>"$work/$name.none.err"
    s3=$?
    if [ "$s1" -eq "$s2" ] && [ "$s1" -eq "$s3" ] && cmp -s "$work/$name.cold" "$work/$name.warm" &&
        cmp -s "$work/$name.cold" "$work/$name.none" && cmp -s "$work/$name.cold.err" "$work/$name.warm.err" &&
        cmp -s "$work/$name.cold.err" "$work/$name.none.err"; then pass; else
        fail "$name: cold, warm and uncached runs differ (status $s1 $s2 $s3): $(diff "$work/$name.cold" "$work/$name.warm" | head -5)"
    fi
}

same_twice text ./...
same_twice json --format json ./...
same_twice sarif --format sarif ./...
same_twice enable --enable CTX001 ./...
same_twice j1 -j1 ./...

# the cache was filled, one entry per directory
n=$(ls "$cache" | wc -l)
if [ "$n" -ge 2 ]; then pass; else fail "the cache holds $n entries, want at least 2"; fi
run "$leakscope" lint ./...
expect_match out.txt 'CTX001' "a warm run reports the findings"
expect_match err.txt 'broken.go' "a warm run reports the syntax error"
expect_status 2 "a warm run with a syntax error"

# suppression comments: add one, the result changes, and stays the same warm
run "$leakscope" lint --format json ./a
first=$(python3 -c 'import json; d=json.load(open("out.txt")); f=d["findings"][0]; print(f["path"], f["line"])' 2>/dev/null)
if [ -n "$first" ]; then
    set -- $first
    f=$1 line=$2
    before=$(grep -c CTX001 out.txt)
    awk -v l="$line" 'NR == l { print "//nolint:leakscope" } { print }' "$f" > "$work/edit.go" && cp "$work/edit.go" "$f"
    run "$leakscope" lint --format json ./a
    after=$(grep -c CTX001 out.txt)
    if [ "$after" -lt "$before" ]; then pass; else fail "an edited file (suppression added) still reports $after findings"; fi
    same_twice suppressed ./a
else
    fail "no finding in ./a to suppress"
fi

# editing a file changes the result: a new syntax error
cp "$work/src/broken.go" "$work/broken.bak"
printf 'package broken\n\nfunc f() {}\n' > broken.go
run "$leakscope" lint ./broken.go
expect_status 0 "a fixed file is linted again, not taken from the cache"
cp "$work/broken.bak" broken.go
run "$leakscope" lint ./broken.go
expect_status 2 "the broken file again"

# a baseline applied after the cache
rm -rf "$cache"
"$leakscope" lint --baseline "$work/base.json" ./... >/dev/null 2>&1
same_twice baseline --baseline "$work/base.json" ./...

# --no-cache neither reads nor writes
rm -rf "$cache"
run "$leakscope" lint --no-cache ./...
if [ ! -e "$cache" ] || [ -z "$(ls "$cache")" ]; then pass; else fail "--no-cache wrote the cache"; fi

# corrupt and truncated entries are misses
rm -rf "$cache"
"$leakscope" lint ./... >"$work/ref.txt" 2>"$work/ref.err"
for e in "$cache"/*; do printf 'garbage' > "$e"; done
run "$leakscope" lint ./...
if cmp -s out.txt "$work/ref.txt" && cmp -s err.txt "$work/ref.err"; then pass; else
    fail "corrupt entries changed the output: $(diff out.txt "$work/ref.txt" | head -5)"
fi
for e in "$cache"/*; do
    size=$(wc -c < "$e")
    head -c $((size - 7)) "$e" > "$work/trunc" && cp "$work/trunc" "$e"
done
run "$leakscope" lint ./...
if cmp -s out.txt "$work/ref.txt" && cmp -s err.txt "$work/ref.err"; then pass; else
    fail "truncated entries changed the output: $(diff out.txt "$work/ref.txt" | head -5)"
fi
for e in "$cache"/*; do
    python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[40] ^= 0x55; open(p,"wb").write(b)' "$e"
done
run "$leakscope" lint ./...
if cmp -s out.txt "$work/ref.txt" && cmp -s err.txt "$work/ref.err"; then pass; else
    fail "flipped bytes changed the output: $(diff out.txt "$work/ref.txt" | head -5)"
fi

# an unwritable or impossible cache directory: lint as usual, no message
printf 'x' > "$work/afile"
LEAKSCOPE_CACHE="$work/afile/sub" run "$leakscope" lint ./...
if cmp -s out.txt "$work/ref.txt" && cmp -s err.txt "$work/ref.err"; then pass; else
    fail "a cache path under a file changed the output: $(head -c 300 err.txt)"
fi
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$work/ro" && chmod 555 "$work/ro"
    LEAKSCOPE_CACHE="$work/ro" run "$leakscope" lint ./...
    if cmp -s out.txt "$work/ref.txt" && cmp -s err.txt "$work/ref.err"; then pass; else
        fail "a read-only cache directory changed the output: $(head -c 300 err.txt)"
    fi
    chmod 755 "$work/ro"
fi

# the default location: $XDG_CACHE_HOME/leakscope, then $HOME/.cache/leakscope
(unset LEAKSCOPE_CACHE; XDG_CACHE_HOME="$work/xdg" "$leakscope" lint ./... >/dev/null 2>&1)
if [ -n "$(ls "$work/xdg/leakscope" 2>/dev/null)" ]; then pass; else fail "no cache under \$XDG_CACHE_HOME/leakscope"; fi
(unset LEAKSCOPE_CACHE XDG_CACHE_HOME; HOME="$work/home" "$leakscope" lint ./... >/dev/null 2>&1)
if [ -n "$(ls "$work/home/.cache/leakscope" 2>/dev/null)" ]; then pass; else fail "no cache under \$HOME/.cache/leakscope"; fi

finish
