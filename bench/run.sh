#!/usr/bin/env bash
# Benchmarks: server throughput against a bare QHttpServer baseline, the example's memory,
# capture ingest and the delivery round trip through the workbench engine.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
server=$build/bench/kiket-benchserver
example=$build/examples/hello-extension/hello-extension
duration=${DURATION:-10}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start() { # start MODE -> sets PORT and PID
    local out; out=$(mktemp)
    BENCH_SECRET=bench-secret "$server" "$1" >"$out" 2>/dev/null &
    PID=$!; pids+=("$PID")
    for _ in $(seq 100); do grep -q '^PORT ' "$out" && break; sleep 0.05; done
    PORT=$(awk '/^PORT /{print $2}' "$out")
}

# shellcheck source=bench/wrk-figures.sh
. "$here/wrk-figures.sh"

body='{"event":"bench.event","issue":{"id":"1","title":"Benchmark","project_id":"proj-1"}}'

wrk_run() { # wrk_run URL [extra wrk args...] -> prints wrk output
    local url=$1; shift
    BODY=$body wrk -t2 -c50 -d"${duration}s" --latency -s "$here/post.lua" "$@" "$url"
}

rounds=${ROUNDS:-3}
echo "== Throughput: 50 connections, wrk -t2, ${duration}s per run, $rounds alternating rounds (medians)"
start sdk; sdk_port=$PORT
start bare; bare_port=$PORT
start layer; layer_port=$PORT
sdk_runs=() bare_runs=() layer_runs=()
for _ in $(seq "$rounds"); do
    read -r ts sig < <(sign bench-secret "$body")
    out=$(wrk_run "http://127.0.0.1:$sdk_port/v/1/webhooks/bench.event" \
        -H "Content-Type: application/json" -H "X-Kiket-Timestamp: $ts" -H "X-Kiket-Signature: $sig")
    if grep -q 'Non-2xx' <<<"$out"; then echo "WARNING: the SDK server answered non-2xx:"; grep 'Non-2xx' <<<"$out"; fi
    sdk_runs+=("$(figures "$out")")
    out=$(wrk_run "http://127.0.0.1:$bare_port/v/1/webhooks/bench.event" -H "Content-Type: application/json")
    bare_runs+=("$(figures "$out")")
    out=$(wrk_run "http://127.0.0.1:$layer_port/v/1/webhooks/bench.event" -H "Content-Type: application/json")
    layer_runs+=("$(figures "$out")")
done
printf '%-34s %12s %10s %10s   %s\n' "server" "requests/s" "p50 (us)" "p99 (us)" "(each round: requests/s)"
printf '%-34s %12s %10s %10s   %s\n' "Kiket::Sdk signed delivery" "$(median 1 "${sdk_runs[@]}")" \
    "$(median 2 "${sdk_runs[@]}")" "$(median 3 "${sdk_runs[@]}")" "$(printf '%s\n' "${sdk_runs[@]}" | awk '{printf "%s ", $1}')"
printf '%-34s %12s %10s %10s   %s\n' "bare QHttpServer constant (base)" "$(median 1 "${bare_runs[@]}")" \
    "$(median 2 "${bare_runs[@]}")" "$(median 3 "${bare_runs[@]}")" "$(printf '%s\n' "${bare_runs[@]}" | awk '{printf "%s ", $1}')"
printf '%-34s %12s %10s %10s   %s\n' "kiket::HttpServer constant (layer)" "$(median 1 "${layer_runs[@]}")" \
    "$(median 2 "${layer_runs[@]}")" "$(median 3 "${layer_runs[@]}")" "$(printf '%s\n' "${layer_runs[@]}" | awk '{printf "%s ", $1}')"
awk -v a="$(median 1 "${sdk_runs[@]}")" -v b="$(median 1 "${bare_runs[@]}")" \
    'BEGIN{printf "ratio sdk/bare (medians): %.2f (target >= 0.60); p99 target < 5000 us\n", a/b}'

echo "in-process pipeline alone: $("$server" dispatch 200000)"

echo
echo "== Memory: example extension, issue.created v2 deliveries (one log_event call each)"
start platform; platform_port=$PORT
secret=bench-secret
KIKET_WEBHOOK_SECRET=$secret KIKET_BASE_URL=http://127.0.0.1:$platform_port \
    "$example" --host 127.0.0.1 --port 0 --folder /nonexistent >"$build/bench-example.log" 2>&1 &
example_pid=$!; pids+=("$example_pid")
for _ in $(seq 100); do grep -q 'listening on' "$build/bench-example.log" && break; sleep 0.05; done
example_port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$build/bench-example.log")
rss() { awk '/^VmRSS/{print $2}' "/proc/$example_pid/status"; }
send_n() { # send_n COUNT: exactly COUNT signed deliveries over 8 keep-alive connections
    BODY=$body SECRET=$secret "$server" send "$example_port" /v/2/webhooks/issue.created "$1" >/dev/null
}
send_n 200
rss0=$(rss)
send_n 10000
rss10k=$(rss)
for _ in $(seq 9); do send_n 10000; done
rss100k=$(rss)
echo "RSS after warm-up (200):  $((rss0 / 1024)) MiB"
echo "RSS after 10,000:         $((rss10k / 1024)) MiB   (growth $(((rss10k - rss0) / 1024)) MiB, target < 10 MiB)"
echo "RSS after 100,000:        $((rss100k / 1024)) MiB   (growth $(((rss100k - rss0) / 1024)) MiB)"

echo
echo "== Workbench engine: capture ingest and memory (100,000 exchanges with 2 KB bodies)"
"$build/bench/kiket-devkitbench" ingest "${CAPTURES:-100000}"
echo
echo "== Workbench engine: delivery round trip"
"$build/bench/kiket-devkitbench" roundtrip "${ROUNDTRIPS:-3000}"
echo
echo "== Workbench engine: serve's NDJSON output (redacted), per exchange"
"$build/bench/kiket-devkitbench" ndjson 20000
echo
echo "== Answer parser: a large chunked answer read as it arrives (forwarder, blocking client)"
"$build/bench/kiket-answerbench" 16 64

echo
forward_compare() { # forward_compare UPSTREAM_PORT: the same load direct and through a listener
    local upstream_port=$1 out forward_port
    out=$(mktemp)
    "$build/bench/kiket-devkitbench" forward "$upstream_port" >"$out" 2>/dev/null &
    pids+=("$!")
    for _ in $(seq 100); do grep -q '^PORT ' "$out" && break; sleep 0.05; done
    forward_port=$(awk '/^PORT /{print $2}' "$out")
    for conns in 50 1; do
        direct=() forwarded=()
        for _ in $(seq "$rounds"); do
            direct+=("$(figures "$(BODY=$body wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$here/post.lua" \
                -H "Content-Type: application/json" "http://127.0.0.1:$upstream_port/v/1/webhooks/bench.event")")")
            forwarded+=("$(figures "$(BODY=$body wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$here/post.lua" \
                -H "Content-Type: application/json" "http://127.0.0.1:$forward_port/v/1/webhooks/bench.event")")")
        done
        printf '%-34s %12s %10s %10s\n' "$conns connection(s): direct" "$(median 1 "${direct[@]}")" \
            "$(median 2 "${direct[@]}")" "$(median 3 "${direct[@]}")"
        printf '%-34s %12s %10s %10s\n' "$conns connection(s): via listener" "$(median 1 "${forwarded[@]}")" \
            "$(median 2 "${forwarded[@]}")" "$(median 3 "${forwarded[@]}")"
        awk -v a="$(median 1 "${forwarded[@]}")" -v b="$(median 1 "${direct[@]}")" \
            -v p="$(median 2 "${forwarded[@]}")" -v q="$(median 2 "${direct[@]}")" \
            'BEGIN{printf "  throughput ratio %.2f (target >= 0.50), added p50 %d us (target < 1000)\n", a/b, p-q}'
    done
}
echo "== Forward target: a bare QHttpServer extension (C++, the fastest there is) direct, and through the listener"
start bare
forward_compare "$PORT"
if command -v node >/dev/null; then
    echo "== Forward target: a trivial Node extension (bench/trivial-extension.mjs) direct, and through the listener"
    out=$(mktemp)
    node "$here/trivial-extension.mjs" >"$out" 2>/dev/null &
    pids+=("$!")
    for _ in $(seq 100); do grep -q '^PORT ' "$out" && break; sleep 0.05; done
    forward_compare "$(awk '/^PORT /{print $2}' "$out")"
fi

echo
echo "== Forward target: extension servers as developers write them, through kiket-workbench serve"
"$here/forward-real.sh" "$build"

echo
echo "== Instructions serve executes per forwarded request (callgrind; steady where CPU time is not)"
"$here/forward-instructions.sh" "$build" express
"$here/forward-instructions.sh" "$build" python

echo
echo "== Workbench window (offscreen): 100,000 exchanges in the capture"
"$build/bench/kiket-windowbench" open "${CAPTURES:-100000}" 2>/dev/null
echo
echo "== Workbench window: 2,000 deliveries per second for 10 s, GUI event-loop stalls"
"$build/bench/kiket-windowbench" stall 2000 10 2>/dev/null
"$build/bench/kiket-windowbench" stall 2000 10 issue.created 2>/dev/null
echo
echo "== Delivery suite: 1,000 cases against the in-process example (kiket-workbench test)"
"$here/suite.sh" "$build"
echo
echo "== Hostile input against serve (bench/hostile.py)"
"$here/hostile.py" "$build"
