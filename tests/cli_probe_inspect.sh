#!/bin/sh
# Tests of the Go binary reader behind `leakscope probe` (docs/probe.md),
# through `leakscope probe --inspect`, on binaries this test builds from
# tests/probe/testdata/leaky: plain, stripped (-ldflags=-s -w), PIE and
# stripped PIE, each checked against go's own tools:
#
#   - the Go version against `go version -m`;
#   - the functions against `go tool nm` (same names at the same addresses;
#     stripped: from the pclntab);
#   - PC -> file:line against `go tool objdump` for every instruction of
#     main.main (and of one function of the runtime);
#   - the RET instructions of runtime.newproc1 against objdump, and the
#     byte at each reported file offset is 0xc3;
#   - runtime.g offsets: the stripped binary's table row equals the plain
#     binary's DWARF; wait reasons: the stripped scan equals the symbol;
#   - other Go versions (go1.22, go1.24, go1.25 through GOTOOLCHAIN) when the
#     toolchain can be had; skipped with a note otherwise;
#   - non-Go and non-ELF files: exit 2 and a message saying why.
#
# usage: cli_probe_inspect.sh LEAKSCOPE_BINARY SOURCE_DIR GO_BINARY
# Uses the user's GOCACHE (building the runtime afresh for each run would
# dominate the test's time; the builds are reproducible either way).

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
go=$3
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_probe_inspect.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cp "$src/tests/probe/testdata/leaky/go.mod" "$src/tests/probe/testdata/leaky/main.go" "$work"/
cd "$work" || exit 2
export GOFLAGS= GOWORK=off GO111MODULE=on

build() { # build NAME TOOLCHAIN GOFLAGS...
    name=$1 tc=$2
    shift 2
    if ! GOTOOLCHAIN=$tc "$go" build -o "$name" "$@" . 2>build_err.txt; then
        fail "go build $* with $tc: $(head -c 300 build_err.txt)"
        return 1
    fi
}

# check_binary NAME TOOLCHAIN TWIN: the checks that do not depend on
# symbols; objdump reads the unstripped TWIN (stripping moves no code).
check_binary() {
    bin=$1 tc=$2 twin=$3
    run "$leakscope" probe --inspect "$bin" --funcs
    expect_status 0 "inspect $bin"
    cp out.txt "$bin.inspect"
    want=$(GOTOOLCHAIN=$tc "$go" version "$bin" | sed 's/^[^:]*: //')
    expect_match "$bin.inspect" "^go version: $want\$" "$bin: version as go version -m says ($want)"

    # every instruction of main.main: objdump's FILE:LINE equals ours
    GOTOOLCHAIN=$tc "$go" tool objdump -s '^main\.main$' "$twin" |
        awk 'NR > 1 && $1 ~ /:[0-9]+$/ { print $2, $1 }' >"$bin.objdump"
    [ -s "$bin.objdump" ] || fail "$bin: go tool objdump printed no instructions of main.main"
    args=$(awk '{ printf " --pc %s", $1 }' "$bin.objdump")
    # shellcheck disable=SC2086
    "$leakscope" probe --inspect "$bin" $args | sed 's/ inlined [^ ]*$//' |
        sed -n 's/^pc \(0x[0-9a-f]*\): [^ ]* .*\/\([^/]*:[0-9]*\)$/\1 \2/p' >"$bin.ours"
    if cmp -s "$bin.objdump" "$bin.ours"; then pass; else
        fail "$bin: pc -> file:line differs from go tool objdump: $(diff "$bin.objdump" "$bin.ours" | head -5)"
    fi
    # `go blockForever(never)` runs main.main.gowrap1 with blockForever inlined
    args=$(GOTOOLCHAIN=$tc "$go" tool objdump -s '^main\.main\.gowrap1$' "$twin" | awk 'NR > 1 { printf " --pc %s", $2 }')
    # shellcheck disable=SC2086
    "$leakscope" probe --inspect "$bin" $args >"$bin.inl"
    expect_match "$bin.inl" ': main\.main\.gowrap1 [^ ]*/main\.go:[0-9]+ inlined main\.blockForever$' "$bin: inline tree names main.blockForever"
    expect_match "$bin.inspect" '^runtime\.newproc1: addr 0x[0-9a-f]+ size [0-9]+ file offset 0x[0-9a-f]+$' "$bin: newproc1 found"

    # the RETs of newproc1, as objdump lists them; the byte at each file offset is RET
    GOTOOLCHAIN=$tc "$go" tool objdump -s '^runtime\.newproc1$' "$twin" | awk '$NF == "RET" || $(NF) ~ /^RET/ { print $2 }' |
        sort >"$bin.rets.want"
    sed -n 's/^runtime\.newproc1 RET: addr \(0x[0-9a-f]*\) file offset .*/\1/p' "$bin.inspect" | sort >"$bin.rets.ours"
    if [ -s "$bin.rets.want" ] && cmp -s "$bin.rets.want" "$bin.rets.ours"; then pass; else
        fail "$bin: newproc1 RETs: objdump $(tr '\n' ' ' <"$bin.rets.want"), ours $(tr '\n' ' ' <"$bin.rets.ours")"
    fi
    for off in $(sed -n 's/^runtime\.newproc1 RET: .* file offset 0x\([0-9a-f]*\)$/\1/p' "$bin.inspect"); do
        byte=$(od -An -tx1 -j $((0x$off)) -N1 "$bin" | tr -d ' ')
        if [ "$byte" = c3 ]; then pass; else fail "$bin: byte at file offset 0x$off is $byte, not c3 (RET)"; fi
    done
    # the cheap probe sites (instructions the kernel emulates), as objdump
    # shows them: in newproc1, a call, jump or nop after the store of the
    # new g's goid through the register named; the prologue's conditional
    # jump of the exit function
    site=$(sed -n 's/^runtime\.newproc1 creation probe site: addr \(0x[0-9a-f]*\) .*/\1/p' "$bin.inspect")
    reg=$(sed -n 's/^runtime\.newproc1 creation probe site: .* new g in \([A-Z0-9]*\)$/\1/p' "$bin.inspect")
    goid=$(sed -n 's/^runtime\.g offsets .*: goid \([0-9]*\) .*/\1/p' "$bin.inspect")
    GOTOOLCHAIN=$tc "$go" tool objdump -s '^runtime\.newproc1$' "$twin" >"$bin.np.asm"
    store=$(printf 'MOVQ [A-Z0-9]*, 0x%x(%s)' "${goid:-0}" "$reg")
    if [ -n "$site" ] && [ -n "$reg" ] && grep -q "[[:space:]]$site[[:space:]].*[[:space:]]\(CALL\|J[A-Z]*\|NOPL\)\([[:space:]]\|\$\)" "$bin.np.asm" &&
        awk -v site="$site" '$2 == site { exit } { print }' "$bin.np.asm" | grep -q "$store"; then pass; else
        fail "$bin: newproc1 creation probe site '$site' (new g in '$reg') is not an emulated instruction after '$store' in objdump"
    fi
    exitfn=runtime.gdestroy
    grep -q '^runtime\.gdestroy: addr' "$bin.inspect" || exitfn=runtime.goexit0
    site=$(sed -n "s/^$exitfn entry probe site: addr \(0x[0-9a-f]*\) .*/\1/p" "$bin.inspect")
    if [ -n "$site" ] && GOTOOLCHAIN=$tc "$go" tool objdump -s "^$exitfn\$" "$twin" | sed -n 2,4p |
        grep -q "[[:space:]]$site[[:space:]].*J[A-Z]* "; then pass; else
        fail "$bin: $exitfn entry probe site '$site' is not the prologue's jump in objdump"
    fi
    for f in runtime.gdestroy runtime.goexit0 runtime.goexit1; do
        expect_match "$bin.inspect" "^$f: addr 0x" "$bin: $f found"
    done
    expect_match "$bin.inspect" '^runtime\.g offsets \((dwarf|table go[0-9.]+)\): goid [0-9]+ gopc [0-9]+ startpc [0-9]+ parentGoid [0-9]+ atomicstatus [0-9]+ waitreason [0-9]+ sched\.sp [0-9]+ sched\.pc [0-9]+ sched\.bp [0-9]+$' "$bin: all runtime.g offsets known"
    expect_match "$bin.inspect" '^wait reason [0-9]+: chan receive$' "$bin: wait reason 'chan receive'"
    expect_match "$bin.inspect" '^wait reason [0-9]+: select$' "$bin: wait reason 'select'"
}

# check_symbols PLAIN STRIPPED TOOLCHAIN: functions and what stripping loses.
check_symbols() {
    plain=$1 stripped=$2 tc=$3
    # (names may hold spaces; runtime.text and etext mark the text's ends)
    GOTOOLCHAIN=$tc "$go" tool nm "$plain" |
        sed -n 's/^ *0*\([0-9a-f][0-9a-f]*\) [Tt] \(.*\)$/func 0x\1 \2/p' |
        grep -v ' runtime\.e\{0,1\}text$' | sort >"$plain.nm"
    grep '^func ' "$plain.inspect" | sort >"$plain.funcs"
    missing=$(comm -23 "$plain.nm" "$plain.funcs" | head -3)
    if [ -s "$plain.nm" ] && [ -z "$missing" ]; then pass; else
        fail "$plain: functions of go tool nm missing from --funcs: $missing"
    fi
    expect_match "$plain.inspect" '^functions: [0-9]+ \(from \.symtab\)$' "$plain: functions from .symtab"
    expect_match "$stripped.inspect" '^functions: [0-9]+ \(from \.gopclntab\)$' "$stripped: functions from .gopclntab"
    expect_match "$stripped.inspect" '^symtab: no \(stripped\)$' "$stripped: stripped"
    # the pclntab names ABI wrappers without their .abi0 suffix, and writes
    # the middle dot that the symbol table turns into '.'
    sed 's/\.abi0$//' "$plain.nm" | sort >"$plain.nm2"
    grep '^func ' "$stripped.inspect" | sed 's/\xc2\xb7/./g' | sort >"$stripped.funcs"
    missing=$(comm -23 "$plain.nm2" "$stripped.funcs" | head -3)
    if [ -z "$missing" ]; then pass; else fail "$stripped: functions of the unstripped build missing: $missing"; fi
    for what in '^runtime.g offsets' '^wait reason ' '^runtime\.(newproc1|gdestroy|goexit0|goexit1)( RET)?: addr'; do
        grep -E "$what" "$plain.inspect" | sed 's/ (dwarf)\| (table go[0-9.]*)//; s/ size [0-9]*//' >a.txt
        grep -E "$what" "$stripped.inspect" | sed 's/ (dwarf)\| (table go[0-9.]*)//; s/ size [0-9]*//' >b.txt
        if [ -s a.txt ] && cmp -s a.txt b.txt; then pass; else
            fail "$stripped: '$what' differs from the unstripped build: $(diff a.txt b.txt | head -4)"
        fi
    done
    expect_match "$plain.inspect" '^runtime\.g offsets \(dwarf\)' "$plain: offsets from DWARF"
    expect_match "$stripped.inspect" '^runtime\.g offsets \(table go' "$stripped: offsets from the table"
    expect_match "$plain.inspect" '^wait reasons: [0-9]+ \(runtime\.waitReasonStrings symbol\)$' "$plain: wait reasons from the symbol"
    expect_match "$stripped.inspect" '^wait reasons: [0-9]+ \(found by scanning \.data \(stripped\)\)$' "$stripped: wait reasons by scanning"
}

check_version() { # check_version TOOLCHAIN SUFFIX
    tc=$1 s=$2
    build plain$s "$tc" || return
    build stripped$s "$tc" -ldflags='-s -w' || return
    build pie$s "$tc" -buildmode=pie || return
    build piestripped$s "$tc" -buildmode=pie -ldflags='-s -w' || return
    check_binary plain$s "$tc" plain$s
    check_binary stripped$s "$tc" plain$s
    check_binary pie$s "$tc" pie$s
    check_binary piestripped$s "$tc" pie$s
    check_symbols plain$s stripped$s "$tc"
    check_symbols pie$s piestripped$s "$tc"
    expect_match "pie$s.inspect" '^type: PIE$' "pie$s: PIE"
    expect_match "plain$s.inspect" '^type: executable \(not PIE\)$' "plain$s: not PIE"
}

check_version local ""
for tc in go1.25.14 go1.24.13 go1.22.12; do
    if GOTOOLCHAIN=$tc "$go" version >/dev/null 2>&1; then
        check_version "$tc" "-$tc"
    else
        echo "note: toolchain $tc unavailable (no module proxy?); its checks are skipped"
    fi
done

# not Go, not ELF, missing
run "$leakscope" probe --inspect /bin/sh
expect_status 2 "non-Go binary"
expect_match err.txt '^leakscope probe: /bin/sh: not a Go binary' "non-Go binary: says so"
printf 'hello\n' >text.txt
run "$leakscope" probe --inspect text.txt
expect_status 2 "non-ELF file"
expect_match err.txt 'text.txt: not an ELF file' "non-ELF file: says so"
run "$leakscope" probe --inspect missing.bin
expect_status 2 "missing file"
expect_match err.txt 'missing.bin: No such file' "missing file: says so"
run "$leakscope" probe
expect_status 2 "no operands"
run "$leakscope" probe --help
expect_status 0 "--help"
expect_match out.txt '--inspect BINARY' "--help names --inspect"

finish
