# Shared prelude of the tests/cli_*.sh scripts; source it before changing
# directory:  . "$(dirname "$0")/lib.sh"
#
# Counts checks in $passed and $failed; pass/fail record one, fail prints
# "FAIL: ..." for it.  run CMD... keeps stdout in out.txt, stderr in err.txt
# and the exit status in $status (relative to the working directory);
# expect_* check them.  A script may redefine any of these after sourcing.
# finish prints the closing "N passed, N failed" and fails if any failed.

passed=0
failed=0

# `leakscope lint` caches results (docs/lint.md, "Cache"): tests never use
# the real cache under $HOME but one of their own, shared by the test runs
# of this user (its keys cover the binary and the files, so sharing is safe).
LEAKSCOPE_CACHE="${TMPDIR:-/tmp}/leakscope_test_cache.$(id -u)"
export LEAKSCOPE_CACHE

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}

# run CMD...: runs the command, keeping stdout, stderr and the exit status.
run() {
    "$@" >out.txt 2>err.txt
    status=$?
}

# expect_status N WHAT
expect_status() {
    if [ "$status" -eq "$1" ]; then pass; else
        fail "$2: exit status $status, want $1; stderr: $(head -c 500 err.txt)"
    fi
}

# expect_match FILE REGEX WHAT: some line of FILE matches the extended regex.
expect_match() {
    if grep -Eq -- "$2" "$1"; then pass; else
        fail "$3: no line of $1 matches /$2/; it holds: $(head -c 500 "$1")"
    fi
}

# expect_no_match FILE REGEX WHAT: no line of FILE matches the extended regex.
expect_no_match() {
    if grep -Eq -- "$2" "$1"; then
        fail "$3: a line of $1 matches /$2/: $(grep -E -- "$2" "$1" | head -3)"
    else pass; fi
}

# expect_empty FILE WHAT
expect_empty() {
    if [ ! -s "$1" ]; then pass; else fail "$2: $1 is not empty: $(head -c 500 "$1")"; fi
}

# finish: the closing line; the status is 0 when no check failed.
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
