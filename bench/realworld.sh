#!/usr/bin/env bash
# Real code: a fixed list of widely used Go modules, pinned, fetched through
# the Go module proxy into a temporary module cache (never into this
# repository), linted with every rule; prints findings per rule and module,
# lines per second, and writes every finding (with its source line) to
# bench/out/realworld/ for review.  The verdicts of the reviews are kept in
# docs/accuracy.md.  Nothing is asserted.
#
#   bash bench/realworld.sh
#   SAMPLE=50 bash bench/realworld.sh     # also write a random sample of 50 per rule (seeded)
#   KEEP=1 bash bench/realworld.sh        # keep the module cache (path printed)
#   CACHE=DIR bash bench/realworld.sh     # use (and keep) DIR as the module cache, e.g. for a rerun
#   RULES=GRT001,GRT002 bash bench/realworld.sh
#   LIST=more bash bench/realworld.sh     # the second list (docs/accuracy.md, "More modules")
#   LEAKSCOPE=/path/to/leakscope bash bench/realworld.sh   # lint with this binary, build nothing
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
repo=$PWD

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "realworld: go not found (run scripts/setup.sh)" >&2; exit 2; }
command -v jq >/dev/null 2>&1 || { echo "realworld: jq not found (run scripts/setup.sh)" >&2; exit 2; }

# module@version, pinned so that runs compare (`go list -m -versions M` lists newer).
MODULES=(
    google.golang.org/grpc@v1.85.0
    go.etcd.io/etcd/client/v3@v3.7.3
    github.com/prometheus/client_golang@v1.25.0
    github.com/hashicorp/consul/api@v1.33.0
    github.com/nats-io/nats.go@v1.55.0
    github.com/segmentio/kafka-go@v0.4.51
    github.com/redis/go-redis/v9@v9.23.0
    github.com/jackc/pgx/v5@v5.12.0
    k8s.io/client-go@v0.37.2
)

# The second list (LIST=more): modules the rules were never tuned on when it
# was added, reviewed in docs/accuracy.md under "More modules".
MODULES_MORE=(
    github.com/hashicorp/raft@v1.8.0
    github.com/hashicorp/memberlist@v0.7.0
    github.com/nats-io/nats-server/v2@v2.15.2
    github.com/minio/minio-go/v7@v7.4.1
    go.temporal.io/sdk@v1.50.0
    github.com/ClickHouse/clickhouse-go/v2@v2.50.0
    github.com/IBM/sarama@v1.61.1
    github.com/docker/docker@v28.5.2+incompatible
    github.com/go-kit/kit@v0.13.0
    github.com/quic-go/quic-go@v0.65.0
    github.com/rabbitmq/amqp091-go@v1.16.0
    go.opentelemetry.io/otel/sdk@v1.47.0
    go.uber.org/zap@v1.28.0
)
case ${LIST:-first} in
    first) out_name=realworld ;;
    more) MODULES=("${MODULES_MORE[@]}") out_name=realworld-more ;;
    *) echo "realworld: LIST must be first or more" >&2; exit 2 ;;
esac

if [[ -n ${LEAKSCOPE:-} ]]; then
    leakscope=$(realpath "$LEAKSCOPE")
else
    build=build-bench
    echo "realworld: building ./$build (RelWithDebInfo)"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    ninja -C "$build" leakscope >/dev/null
    leakscope=$repo/$build/leakscope
fi

if [[ -n ${CACHE:-} ]]; then
    mkdir -p "$CACHE"
    tmp=$(realpath "$CACHE")
elif tmp=$(mktemp -d) && [[ ${KEEP:-0} == 1 ]]; then
    echo "realworld: keeping $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi
export GOPATH=$tmp/gopath GOMODCACHE=$tmp/gopath/pkg/mod GOFLAGS=-modcacherw GO111MODULE=on

out=$repo/bench/out/$out_name
rm -rf "$out"
mkdir -p "$out"

enable=()
[[ -n ${RULES:-} ]] && enable=(--enable "$RULES")

printf '\n%-48s %9s %8s %9s %11s\n' module lines findings seconds lines/s
total_lines=0 total_secs=0
for mv in "${MODULES[@]}"; do
    info=$(cd "$tmp" && go mod download -json "$mv" 2>"$tmp/dl.err") || {
        echo "realworld: cannot download $mv: $(head -c 300 "$tmp/dl.err")" >&2
        continue
    }
    dir=$(jq -r '.Dir // empty' <<<"$info")
    [[ -d $dir ]] || { echo "realworld: $mv: no directory in go mod download's answer" >&2; continue; }
    name=${mv%@*}
    slug=${name//\//_}
    lines=$(find "$dir" -name '*.go' -not -path '*/testdata/*' -not -path '*/vendor/*' -print0 | xargs -0 cat | wc -l)
    rc=0
    start=$(date +%s.%N)
    (cd "$dir" && "$leakscope" lint --no-cache --no-config --format json "${enable[@]}" ./...) \
        >"$out/$slug.json" 2>"$tmp/lint.err" || rc=$?
    end=$(date +%s.%N)
    if ((rc > 2)); then
        echo "realworld: leakscope lint exited with status $rc on $mv" >&2
        head -20 "$tmp/lint.err" >&2
        exit 1
    fi
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    n=$(jq '.findings | length' "$out/$slug.json")
    printf '%-48s %9d %8d %9s %11.0f\n' "$mv" "$lines" "$n" "$secs" "$(awk -v l="$lines" -v s="$secs" 'BEGIN { print (s > 0 ? l / s : 0) }')"
    total_lines=$((total_lines + lines))
    total_secs=$(awk -v a="$total_secs" -v b="$secs" 'BEGIN { print a + b }')
    # one line per finding: RULE<TAB>module/path:line:col<TAB>message<TAB>source line
    jq -r --arg m "$name" '.findings[] | [.rule, "\($m)/\(.path):\(.line):\(.column)", .message, .path, .line] | @tsv' "$out/$slug.json" |
        while IFS=$'\t' read -r rule pos msg path line; do
            src=$(sed -n "${line}p" "$dir/$path" | sed 's/^[[:space:]]*//')
            printf '%s\t%s\t%s\t%s\n' "$rule" "$pos" "$msg" "$src"
        done >>"$out/all.tsv"
done
printf '%-48s %9d %8s %9s %11.0f\n' total "$total_lines" "" "$total_secs" \
    "$(awk -v l="$total_lines" -v s="$total_secs" 'BEGIN { print (s > 0 ? l / s : 0) }')"

touch "$out/all.tsv"
echo
echo "findings per rule:"
cut -f1 "$out/all.tsv" | sort | uniq -c | sort -k2 | awk '{ printf "  %-8s %5d\n", $2, $1 }'
for rule in $(cut -f1 "$out/all.tsv" | sort -u); do
    grep -P "^$rule\t" "$out/all.tsv" >"$out/$rule.tsv"
    if [[ -n ${SAMPLE:-} ]]; then
        shuf -n "$SAMPLE" --random-source=<(yes) "$out/$rule.tsv" >"$out/$rule.sample.tsv"
    fi
done
echo
echo "every finding, one file per rule: $out/RULE.tsv (rule, position, message, source line)"
