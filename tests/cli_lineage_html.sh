#!/bin/sh
# The HTML report of `leakscope lineage` in headless Chromium: the page
# renders (it sets data-rendered="ok" on <body> once the graph is drawn),
# shows every kept context, records no script error or console.error (the
# page copies them into <pre id="errors">), and a click on a node shows
# its stack.  Also takes a screenshot, kept when LEAKSCOPE_KEEP_SCREENSHOT
# names a path.  Exits 77 (skipped) without chromium.
#
#   sh tests/cli_lineage_html.sh path/to/leakscope path/to/repo
. "$(dirname "$0")/lib.sh"
ls=$1
root=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "cli_lineage_html: chromium not found (scripts/setup.sh installs it); skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

python3 "$root/tests/lineage/gen_events.py" --events 400 --window 20 --stacks \
    --inject never-cancelled=2 --inject cancel-lost=1 --inject value-deep=1 --inject new-root=1 \
    --inject new-root-held=1 --inject timeout-no-effect=1 --inject late-end=1 -o events.jsonl
run "$ls" lineage --format html -o graph.html events.jsonl
expect_status 1 "html: findings"
# self-contained: no URL that a browser would fetch (the SVG namespace
# name is an identifier, never fetched)
sed 's|http://www.w3.org/2000/svg||g' graph.html >graph-urls.txt
expect_no_match graph-urls.txt '(src|href)=|https?://|url\(' "html: no external resources"
nodes=$("$ls" lineage --format json events.jsonl | python3 -c 'import json,sys; print(json.load(sys.stdin)["graph_nodes"])')

# One browser run per check: --dump-dom prints the DOM after scripts ran.
# A private profile directory keeps runs apart; HOME too (crashpad).
browse() {
    HOME=$work timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$work/profile" "$@" 2>>chromium.log
}
browse --dump-dom "file://$work/graph.html#click" >dom.html
expect_match dom.html '<body[^>]*data-rendered="ok"' "html: rendered"
expect_match dom.html '<pre id="errors"></pre>' "html: no script errors or console errors"
expect_match dom.html "<div id=\"status\">rendered $nodes contexts" "html: every kept context drawn"
expect_match dom.html 'class="n f never"' "html: never-cancelled marked"
expect_match dom.html 'class="e bad"' "html: broken links drawn as bad edges"
expect_match dom.html '^  main.startWorker /src/app/worker.go:31$' "html: a click shows the stack"

# An empty report renders too.
python3 "$root/tests/lineage/gen_events.py" --events 50 -o clean.jsonl
"$ls" lineage --format html -o empty.html clean.jsonl
browse --dump-dom "file://$work/empty.html" >empty-dom.html
expect_match empty-dom.html '<body[^>]*data-rendered="ok"' "empty html: rendered"
expect_match empty-dom.html '<pre id="errors"></pre>' "empty html: no errors"

browse --window-size=1400,900 --screenshot="$work/shot.png" "file://$work/graph.html#click" >/dev/null
if [ -s shot.png ]; then pass; else fail "html: no screenshot; chromium said: $(tail -5 chromium.log)"; fi
[ -n "${LEAKSCOPE_KEEP_SCREENSHOT:-}" ] && cp shot.png "$LEAKSCOPE_KEEP_SCREENSHOT"

finish
