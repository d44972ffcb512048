#!/usr/bin/env bash
# Configures and builds the release build (RelWithDebInfo) in ./build.
#
#   bash scripts/build.sh          # then: ./build/leakscope --help
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
echo "build: ./build/leakscope is ready"
