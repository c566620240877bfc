#!/usr/bin/env bash
# Where the CPU goes in forward mode: wrk (50 connections) through a forwarding listener to a bare
# QHttpServer extension, then the CPU each thread used over 3 s of the run, per request.
# Usage: bench/forward-cpu.sh [BUILD_DIR]   (after ./dev bench has built it once)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

port_of() { # port_of FILE: waits for "PORT n" in the file
    for _ in $(seq 100); do grep -q '^PORT ' "$1" && break; sleep 0.05; done
    awk '/^PORT /{print $2}' "$1"
}
out=$(mktemp)
"$build/bench/kiket-benchserver" bare >"$out" 2>/dev/null &
upstream=$!; pids+=("$upstream")
upstream_port=$(port_of "$out")
out=$(mktemp)
"$build/bench/kiket-devkitbench" forward "$upstream_port" >"$out" 2>/dev/null &
listener=$!; pids+=("$listener")
listener_port=$(port_of "$out")

ticks() { # per thread of the listener process, then the extension: "name ticks"
    for t in /proc/"$listener"/task/*; do echo "$(tr ' ' _ <"$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done
    echo "extension-server $(awk '{print $14+$15}' /proc/"$upstream"/stat)"
}
body='{"event":"bench.event","issue":{"id":"1","title":"Benchmark","project_id":"proj-1"}}'
report=$(mktemp)
BODY=$body wrk -t1 -c50 -d5s -s "$here/post.lua" -H "Content-Type: application/json" \
    "http://127.0.0.1:$listener_port/v/1/webhooks/bench.event" >"$report" &
wrk_pid=$!
sleep 1; before=$(ticks); sleep 3; after=$(ticks)
wait "$wrk_pid"
rps=$(awk '/Requests\/sec/{print $2}' "$report")
hz=$(getconf CLK_TCK)
echo "through the listener: $rps requests/s; CPU per request over 3 s of the run:"
join <(sort <<<"$before") <(sort <<<"$after") | awk -v r="$rps" -v hz="$hz" \
    '{ us = ($3 - $2) / hz / 3 / r * 1e6; if (us >= 0.5) printf "  %-20s %6.1f us\n", $1, us }'
