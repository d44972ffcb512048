#!/bin/sh
# The HTML report in a real browser: headless Chromium loads a series
# report, takes a screenshot, and dumps the DOM after scripts ran.  The page
# writes script errors into #js-errors (window.onerror) and marks the chart
# as drawn (#chart-status, body[data-chart=drawn]); console errors are also
# looked for in Chromium's log.
#
# usage: dump_html_chromium.sh LEAKSCOPE_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"
leakscope=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
    echo "FAIL: chromium not found; install it (scripts/setup.sh installs the Debian package chromium)"
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/leakscope_html.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

# Three snapshots, a minute apart: a sender leak that grows, a steady server.
stanza_send() {
    printf 'goroutine %s [chan send, %s minutes]:\nmain.lookup.func1()\n\t/src/app/main.go:21 +0x33\ncreated by main.lookup in goroutine 1\n\t/src/app/main.go:19 +0x45\n\n' "$1" "$2"
}
stanza_serve() {
    printf 'goroutine %s [IO wait]:\ninternal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/local/go/src/runtime/netpoll.go:351 +0x85\nmain.serve(0xc000010000)\n\t/src/app/server.go:40 +0x2a\ncreated by main.main in goroutine 1\n\t/src/app/main.go:30 +0x55\n\n' "$1"
}
n=0
for senders in 40 120 200; do
    f=dump-2026-11-23T10:0${n}:00Z.txt
    : >"$f"
    i=0
    while [ $i -lt $senders ]; do stanza_send $((1000 + i)) $((i % 30 + 1)) >>"$f"; i=$((i + 1)); done
    i=0
    while [ $i -lt 30 ]; do stanza_serve $((5000 + i)) >>"$f"; i=$((i + 1)); done
    n=$((n + 1))
done

run "$leakscope" dump --format html -o page.html --fail-on 0 dump-*.txt
expect_status 0 "html report written"

url="file://$work/page.html"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1000 \
    --screenshot="$work/page.png" "$url" >shot.out 2>shot.err
if [ -s page.png ] && [ "$(head -c 8 page.png | od -An -c | tr -d ' ')" = "211PNG\r\n032\n" ]; then pass; else
    fail "no PNG screenshot: $(tail -3 shot.err)"; fi

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --dump-dom "$url" >dom.html 2>console.log
expect_match dom.html 'id="chart-status" class="dim">chart drawn: 2 buckets, 3 snapshots<' "the chart was drawn"
expect_match dom.html '<body data-chart="drawn">' "the page marked the chart as drawn"
expect_match dom.html '<polyline points="[0-9.,]+ [0-9.,]+ [0-9.,]+" fill="none" stroke="#d62728"' "one line per bucket, three points"
expect_match dom.html '<div id="js-errors"></div>' "no script errors on the page"
expect_no_match dom.html '<html[^>]* data-js-error=' "window.onerror never ran"
expect_no_match console.log 'Uncaught|CONSOLE.*[Ee]rror' "no errors on the console"
expect_match dom.html 'grows linearly \(fit 1\.00\)' "the verdict is on the page"

# One input: no series, no chart, and still no script error.
run "$leakscope" dump --format html -o one.html --fail-on 0 dump-2026-11-23T10:02:00Z.txt
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 --dump-dom \
    "file://$work/one.html" >one-dom.html 2>/dev/null
expect_match one-dom.html '<table id="buckets">' "one input: the bucket table"
expect_match one-dom.html '<details><summary>main\.lookup\.func1' "one input: expandable stacks"
expect_match one-dom.html '<div id="js-errors"></div>' "one input: no script errors"
expect_no_match one-dom.html 'id="chart"' "one input: no chart"

finish
