#!/usr/bin/env bash
# Configures and builds the release build (RelWithDebInfo) in ./build.
#
#   bash scripts/build.sh          # then: ./build/leakscope --help
#   LEAKSCOPE_PGO=0 bash scripts/build.sh    # skip profile-guided optimisation
#
# With gcc the build is profile-guided: an instrumented leakscope first
# parses the Go files of this repository (go/, examples/, tests/: a mix of
# commands, libraries, tests and deliberately broken files), and the final
# build is optimised with that profile.  That makes the parser about 10%
# faster.  The training set is ours, not the benchmark's input (GOROOT).
set -euo pipefail
cd "$(dirname "$0")/.."

export CC=${CC:-gcc}
pgo=${LEAKSCOPE_PGO:-1}
cc_version=$("$CC" --version 2>/dev/null || true) # (piped into grep -q, pipefail could fail on SIGPIPE)
if [[ $pgo != 0 ]] && ! grep -qiE 'gcc|free software foundation' <<<"$cc_version"; then
    echo "build: $CC is not gcc; building without profile-guided optimisation"
    pgo=0
fi

configure() { cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null; }

if [[ $pgo != 0 ]]; then
    echo "build: instrumented build for profile-guided optimisation"
    configure -DLEAKSCOPE_PGO=generate
    find build -name '*.gcda' -delete
    cmake --build build --target leakscope_cli
    for _ in 1 2 3 4 5 6 7 8; do
        # status 2 is expected: the training set has files with syntax errors
        build/leakscope parse -q -j2 go examples tests || [[ $? == 2 ]]
    done
    configure -DLEAKSCOPE_PGO=use
else
    configure -DLEAKSCOPE_PGO=
fi
cmake --build build
echo "build: ./build/leakscope is ready"
