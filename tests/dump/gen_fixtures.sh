#!/bin/sh
# Captures real goroutine dumps in every format from the programs in
# tests/dump/progs (go run, standard library only) into OUTDIR:
#
#   goroutines.txt/.debug1/.pb.gz    leaks: debug=2, debug=1, debug=0
#   goroutineleak.pb.gz/.debug1/.txt leaks, GOEXPERIMENT=goroutineleakprofile
#   anc/goroutines.txt               leaks, GODEBUG=tracebackancestors=5,tracebacklabels=1
#   deadlock.txt                     fatal error: all goroutines are asleep
#   panicall.txt                     panic, GOTRACEBACK=all
#   crash.txt                        nil dereference, GOTRACEBACK=crash
#   quit.txt                         SIGQUIT, GOTRACEBACK=crash
#
#   sh tests/dump/gen_fixtures.sh OUTDIR [GO]
set -eu
out=$1
go=${2:-go}
progs=$(cd "$(dirname "$0")/progs" && pwd)
mkdir -p "$out/anc"
cd "$progs"
# The crashing programs must not leave core files behind.
ulimit -c 0 2>/dev/null || true
GOEXPERIMENT=goroutineleakprofile "$go" run ./leaks "$out"
GODEBUG=tracebackancestors=5,tracebacklabels=1 "$go" run ./leaks "$out/anc"
# These exit non-zero by design; their output is the fixture.
"$go" run ./deadlock >"$out/deadlock.txt" 2>&1 || true
GOTRACEBACK=all "$go" run ./panicall >"$out/panicall.txt" 2>&1 || true
GOTRACEBACK=crash "$go" run ./crash >"$out/crash.txt" 2>&1 || true
GOTRACEBACK=crash "$go" run ./crash quit >"$out/quit.txt" 2>&1 || true
for f in goroutines.txt goroutines.debug1 goroutines.pb.gz goroutineleak.pb.gz goroutineleak.txt anc/goroutines.txt \
    deadlock.txt panicall.txt crash.txt quit.txt; do
    [ -s "$out/$f" ] || { echo "gen_fixtures: $out/$f was not written" >&2; exit 1; }
done
