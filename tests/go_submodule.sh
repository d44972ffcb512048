#!/bin/sh
# Runs one nested Go module's checks (gofmt, go vet, go test -race), for the
# modules under go/ that have their own go.mod because they depend on more
# than the standard library (go/breaker/prommetrics, go/group/errgroupbench).
#
#   sh tests/go_submodule.sh GO MODULE_DIR
#
# Exit 77 (ctest SKIP_RETURN_CODE) when go is missing or the module's
# dependencies cannot be downloaded (no network and an empty module cache):
# the core module's own tests (go_module_tests) do not need them.
go=$1 dir=$2
if [ -z "$go" ] || ! "$go" version >/dev/null 2>&1; then
    echo "go_submodule: skipped: go was not found when CMake configured this build; install Go (go.dev/dl), put it on PATH and re-run cmake" >&2
    exit 77
fi
cd "$dir" || exit 1
if ! "$go" mod download >/dev/null 2>&1; then
    echo "go_submodule: skipped: cannot download the dependencies of $dir (no network to the Go module proxy and not in the module cache); run 'go mod download' there once" >&2
    exit 77
fi
unformatted=$(gofmt -l . 2>&1) || { echo "$unformatted" >&2; exit 1; }
if [ -n "$unformatted" ]; then
    echo "go_submodule: not gofmt'd (run gofmt -w):" >&2
    echo "$unformatted" >&2
    exit 1
fi
"$go" vet ./... || exit 1
exec "$go" test -race -count=1 ./...
