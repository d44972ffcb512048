#!/bin/sh
# Tests of `leakscope lint`'s adoption features (docs/lint-config.md) in a
# temporary git repository: the configuration file (found upwards, --config,
# --no-config; rules enable/disable, severity, exclude, tests; errors with
# FILE:LINE:COL and exit status 2), --new-from-rev (changed lines only,
# untracked files in full, not a repository and unknown revisions are exit
# status 2), and the baseline (written when missing, applied, surviving a
# line shift, reporting a changed line, --baseline-update).
#
# usage: cli_lint_adopt.sh LEAKSCOPE_BINARY
# Prints one line per failed check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"

command -v git >/dev/null 2>&1 || { echo "cli_lint_adopt: git is not installed; install it (scripts/setup.sh)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_adopt.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

expect_status() {
    if [ "$status" -eq "$1" ]; then pass; else
        fail "$2: exit status $status, want $1; stdout: $(head -c 300 out.txt) stderr: $(head -c 500 err.txt)"
    fi
}
expect_lines() {
    n=$(wc -l <"$1" | tr -d ' ')
    if [ "$n" -eq "$2" ]; then pass; else fail "$3: $1 has $n lines, want $2: $(head -c 500 "$1")"; fi
}

# ---- a repository with code that CTX001 and CTX002 flag ------------------------

mkdir -p repo/pkg repo/gen repo/internal/legacy outside
cd repo || exit 2
git init -q . || exit 2
git config user.email test@example.com
git config user.name test
git config commit.gpgsign false

cat >pkg/a.go <<'GO'
package pkg

import "context"

func Lost() context.Context {
	ctx, _ := context.WithCancel(context.Background())
	return ctx
}

func Zero() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	return ctx
}
GO
cat >pkg/a_test.go <<'GO'
package pkg

import "context"

func helper() context.Context {
	ctx, _ := context.WithCancel(context.Background())
	return ctx
}
GO
cat >gen/x_gen.go <<'GO'
package gen

import "context"

func Gen() context.Context {
	ctx, _ := context.WithCancel(context.Background())
	return ctx
}
GO
cp gen/x_gen.go internal/legacy/old.go
sed -i 's/^package gen/package legacy/' internal/legacy/old.go
git add . && git commit -qm init || exit 2

# without a configuration: everything
run "$leakscope" lint ./...
expect_status 1 "plain run"
expect_lines out.txt 5 "plain run: 4 CTX001 and 1 CTX002"

# ---- the configuration file ---------------------------------------------------

cat >.leakscope.yml <<'YML'
version: 1
rules:
  disable: [non-positive-timeout]
severity:
  CTX001: warning
exclude:
  - "**/*_gen.go"
  - internal/legacy/**
tests: false
YML
run "$leakscope" lint ./...
expect_status 1 "config: findings left"
expect_lines out.txt 1 "config: disable, exclude and tests leave one finding"
expect_match out.txt '^pkg/a.go:6:12: CTX001 lost-cancel' "config: the finding left"
run "$leakscope" lint --format json ./...
expect_match out.txt '"severity": "warning"' "config: severity override in JSON"

# found from a subdirectory (paths stay relative to the working directory)
(cd pkg && "$leakscope" lint >../out.txt 2>../err.txt)
status=$?
expect_status 1 "config found upwards"
expect_lines out.txt 1 "config found upwards: same filtering"

# the command line overrides the file
run "$leakscope" lint --tests=true ./...
expect_match out.txt '^pkg/a_test.go:6' "--tests=true overrides tests: false"
run "$leakscope" lint --enable CTX002 ./...
expect_lines out.txt 1 "--enable replaces the file's rules"
expect_match out.txt 'CTX002' "--enable CTX002 runs a rule the file disables"
run "$leakscope" lint --no-config ./...
expect_lines out.txt 5 "--no-config ignores the file"

# rules.enable
printf 'version: 1\nrules:\n  enable: [CTX002]\n' >other.yml
run "$leakscope" lint --config other.yml ./...
expect_lines out.txt 1 "--config with rules.enable"
expect_match out.txt 'CTX002 non-positive-timeout' "rules.enable: only CTX002"

# mistakes: FILE:LINE:COL, exit status 2, nothing linted
printf 'version: 1\nrules:\n  disable: [CTX001, CTX999]\n' >bad.yml
run "$leakscope" lint --config bad.yml ./...
expect_status 2 "unknown rule in the file"
expect_match err.txt "^bad.yml:3:21: unknown rule 'CTX999' in rules.disable; 'leakscope lint --list-rules' lists them$" "unknown rule: position and advice"
expect_lines out.txt 0 "config error: nothing printed on stdout"
printf 'version: 1\nexcludes: [a]\n' >bad.yml
run "$leakscope" lint --config bad.yml ./...
expect_status 2 "unknown key"
expect_match err.txt "^bad.yml:2:1: unknown key 'excludes'" "unknown key: position"
printf 'version: 1\nrules: {enable: [CTX001}\n' >bad.yml
run "$leakscope" lint --config bad.yml ./...
expect_status 2 "bad YAML"
expect_match err.txt '^bad.yml:2:[0-9]+: YAML syntax error' "bad YAML: position"
run "$leakscope" lint --config nosuch.yml ./...
expect_status 2 "--config of a missing file"
expect_match err.txt '^nosuch.yml: cannot read the configuration file' "--config of a missing file: message"
cp bad.yml .leakscope.yml
run "$leakscope" lint ./...
expect_status 2 "a broken .leakscope.yml found upwards"
expect_match err.txt '^\.leakscope\.yml:2:' "a broken .leakscope.yml: named relative to the working directory"
rm -f .leakscope.yml other.yml bad.yml

# ---- --new-from-rev ---------------------------------------------------------------

run "$leakscope" lint --new-from-rev HEAD ./...
expect_status 0 "--new-from-rev HEAD: nothing changed"
expect_lines out.txt 0 "--new-from-rev HEAD: no findings"

# lines above the findings change: old findings move but are not reported;
# a changed line with a finding is
sed -i 's/^import "context"$/import (\n\t"context"\n)/' pkg/a.go
sed -i 's/ctx, cancel := context.WithTimeout(context.Background(), 0)/ctx, cancel := context.WithTimeout(context.TODO(), 0)/' pkg/a.go
run "$leakscope" lint --new-from-rev HEAD ./...
expect_status 1 "--new-from-rev HEAD: a changed line"
expect_lines out.txt 1 "--new-from-rev HEAD: only the changed line"
expect_match out.txt '^pkg/a.go:13:[0-9]+: CTX002' "--new-from-rev: the finding on the changed line"
# the earlier commit counts too: everything since HEAD~0 and a new commit
git commit -qam "change" || exit 2
run "$leakscope" lint --new-from-rev HEAD~1 pkg
expect_lines out.txt 1 "--new-from-rev HEAD~1 after a commit"
# an untracked file counts in full
cp pkg/a.go pkg/new.go
run "$leakscope" lint --new-from-rev HEAD pkg/new.go
expect_lines out.txt 2 "--new-from-rev: an untracked file in full"
rm pkg/new.go
# errors
run "$leakscope" lint --new-from-rev no-such-rev ./...
expect_status 2 "--new-from-rev: unknown revision"
expect_match err.txt "unknown revision 'no-such-rev'" "--new-from-rev: unknown revision named"
expect_lines out.txt 0 "--new-from-rev error: nothing on stdout"
cp pkg/a.go ../outside/a.go
(cd ../outside && "$leakscope" lint --new-from-rev HEAD a.go >../repo/out.txt 2>../repo/err.txt)
status=$?
expect_status 2 "--new-from-rev outside a repository"
expect_match err.txt 'not in a git repository' "--new-from-rev outside a repository: message"

# ---- the baseline ----------------------------------------------------------------------

run "$leakscope" lint --baseline base.json ./...
expect_status 0 "baseline written"
expect_match err.txt 'wrote 5 findings to the baseline base.json' "baseline written: message"
expect_match base.json '"version": 1' "baseline: version"
expect_match base.json '"fingerprint": "[0-9a-f]{16}"' "baseline: fingerprints"
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["findings"]) == 5 and all(set(f) == {"rule","path","fingerprint","message"} for f in d["findings"]) else 1)' base.json; then
        pass
    else
        fail "baseline: not the JSON document of docs/lint-config.md: $(head -c 500 base.json)"
    fi
fi
cp base.json base.orig
run "$leakscope" lint --baseline base.json ./...
expect_status 0 "baseline applied: no new findings"
expect_lines out.txt 0 "baseline applied: nothing printed"
# a line shift keeps the findings matched; a new finding is reported
sed -i 's|^func Lost|// Lost loses its cancel function.\n//\nfunc Lost|' pkg/a.go
cat >>pkg/a.go <<'GO'

func Another() context.Context {
	ctx, _ := context.WithCancel(context.Background())
	return ctx
}
GO
run "$leakscope" lint --baseline base.json ./...
expect_status 1 "baseline: a new finding"
expect_lines out.txt 1 "baseline: only the new finding"
expect_match out.txt '^pkg/a.go:2[0-9]:12: CTX001' "baseline: the new finding is Another's"
# a changed line is a new finding
sed -i 's|ctx, _ := context.WithCancel(context.Background())$|ctx, _ := context.WithCancel(context.TODO())|' gen/x_gen.go
run "$leakscope" lint --baseline base.json ./...
expect_lines out.txt 2 "baseline: a changed line is new"
# --baseline-update takes them in
run "$leakscope" lint --baseline base.json --baseline-update ./...
expect_status 0 "--baseline-update"
expect_match err.txt 'wrote 6 findings' "--baseline-update: message"
run "$leakscope" lint --baseline base.json ./...
expect_status 0 "after --baseline-update"
# from another working directory the paths still match (relative to the file)
(cd pkg && "$leakscope" lint --baseline ../base.json ./... >../out.txt 2>../err.txt)
status=$?
expect_status 0 "baseline from a subdirectory"
# mistakes
run "$leakscope" lint --baseline-update ./...
expect_status 2 "--baseline-update without --baseline"
printf '{"version": 1, "findings": [{"rule": "CTX001"}]}\n' >bad.json
run "$leakscope" lint --baseline bad.json ./...
expect_status 2 "a broken baseline"
expect_match err.txt '^leakscope lint: bad.json:1:29: each finding needs' "a broken baseline: position"
run "$leakscope" lint --baseline nosuchdir/base.json ./...
expect_status 2 "a baseline in a missing directory"

finish
