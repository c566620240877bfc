#!/usr/bin/env bash
# Instructions `kiket-workbench serve` executes per forwarded request, counted by callgrind: a
# figure that, unlike CPU time, does not move with the machine's load or a virtual machine's
# speed, so two builds can be compared a few percent apart. serve runs under valgrind in forward
# mode in front of the Express bench server (the extension itself runs natively); wrk sends
# signed deliveries for a warm-up, the counters are zeroed, and the next DURATION seconds are
# counted. All of serve's threads count: listener, capture writer, printer.
# usage: bench/forward-instructions.sh [BUILD_DIR] [express|python]
#        (DURATION seconds counted, default 10; CONNS, default 10; SERVE_ARGS, e.g. --quiet)
set -euo pipefail
build=${1:-build}
which=${2:-express}
here=$(cd "$(dirname "$0")" && pwd)
workbench=$(cd "$build" && pwd)/app/kiket-workbench
secret=bench-secret
body='{"event":"issue.created","issue":{"id":"1","title":"Benchmark","project_id":"proj-1"}}'
work=$(mktemp -d)
serve_pid=
trap '[ -z "$serve_pid" ] || { kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; }; rm -rf "$work"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is not installed (./dev bench installs it)" >&2; exit 1; }

# shellcheck source=bench/wrk-figures.sh
. "$here/wrk-figures.sh"

case $which in
    express) [ -d "$here/extensions/express/node_modules" ] \
        || npm --prefix "$here/extensions/express" ci --no-audit --no-fund >/dev/null
        command=(node "$here/extensions/express/server.js") ;;
    python) command=(python3 "$here/extensions/stdlib-server.py") ;;
    *) echo "usage: bench/forward-instructions.sh [BUILD_DIR] [express|python]" >&2; exit 2 ;;
esac
port=$(free_port)
forward_folder "$work/f" "$port" "${command[@]}"
KIKET_WEBHOOK_SECRET=$secret valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.%p" \
    "$workbench" serve "$work/f" --port 0 --sandbox-port 0 ${SERVE_ARGS:-} \
    >"$work/serve.ndjson" 2>"$work/serve.log" &
serve_pid=$!
listener=$(serve_listener "$work/serve.log" "$port" "$serve_pid")
send() { # send SECONDS -> wrk output
    local ts sig
    read -r ts sig < <(sign "$secret" "$body")
    BODY=$body wrk -t1 -c"${CONNS:-10}" -d"$1s" -s "$here/post.lua" -H "Content-Type: application/json" \
        -H "X-Kiket-Timestamp: $ts" -H "X-Kiket-Signature: $sig" \
        "http://127.0.0.1:$listener/v/1/webhooks/issue.created"
}
send 3 >/dev/null
callgrind_control -z "$serve_pid" >/dev/null 2>&1
out=$(send "${DURATION:-10}")
callgrind_control -d "$serve_pid" >/dev/null 2>&1
requests=$(awk '/requests in/ {print $1}' <<<"$out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
for _ in $(seq 50); do [ -s "$work/callgrind.$serve_pid.1" ] && break; sleep 0.1; done
instructions=$(callgrind_annotate "$work/callgrind.$serve_pid.1" 2>/dev/null \
    | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "serve in front of $which, ${CONNS:-10} connections: $requests requests${non2xx:+ ($non2xx not 2xx)}," \
    "$instructions instructions, $((instructions / requests)) per request"
