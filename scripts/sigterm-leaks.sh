#!/usr/bin/env bash
# Starts `kiket-workbench serve` on an example, stops it with SIGTERM a moment after it listens,
# and counts LeakSanitizer reports; for a sanitizer build (./dev test makes build-asan). With
# DELIVERIES, that many signed deliveries are sent first (handlers, API calls, telemetry run).
# usage: scripts/sigterm-leaks.sh [BUILD_DIR] [RUNS] [DELAY_SECONDS] [hello|python] [DELIVERIES]
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan} runs=${2:-85} delay=${3:-0.3} example=${4:-hello} deliveries=${5:-0}
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
args=(--port 0 --sandbox-port 0)
if [ "$example" = hello ]; then
    cp -r examples/hello-extension/. "$folder/"
    args+=(--plugin "$build/examples/hello-extension/hello-extension-plugin.so")
else
    cp -r examples/python-extension/. "$folder/"
fi
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 KIKET_WEBHOOK_SECRET=sigterm-leaks
leaks=0
for i in $(seq "$runs"); do
    log=$folder/.serve-$i.log
    "$build/app/kiket-workbench" serve "$folder" "${args[@]}" >/dev/null 2>"$log" &
    pid=$!
    for _ in $(seq 500); do grep -q "listening on" "$log" && break; sleep 0.02; done
    urls=($(sed -n 's/.*listening on \(http[^,]*\), sandbox platform on \(http.*\)$/\1 \2/p' "$log"))
    senders=()
    for _ in $(seq "$deliveries"); do
        ASAN_OPTIONS=detect_leaks=0 "$build/app/kiket-workbench" send issue.created --folder "$folder" \
            --to "${urls[0]}" --api-base "${urls[1]}" >/dev/null 2>&1 &
        senders+=($!)
    done
    [ ${#senders[@]} -gt 0 ] && wait "${senders[@]}"
    sleep "$delay"
    kill -TERM "$pid"
    wait "$pid"
    if grep -q LeakSanitizer "$log"; then
        leaks=$((leaks + 1))
        kept=${TMPDIR:-/tmp}/sigterm-leak-$leaks.log
        cp "$log" "$kept"
        echo "run $i: a leak report, kept in $kept"
    fi
done
echo "$leaks leak reports in $runs runs ($example, $deliveries deliveries, SIGTERM ${delay} s after listening)"
[ "$leaks" -eq 0 ]
