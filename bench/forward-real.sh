#!/usr/bin/env bash
# Forward mode against extension servers written as developers write them: an Express server
# (bench/extensions/express, as Kiket's Node SDK writes one) and a Python standard-library server
# (bench/extensions/stdlib-server.py). `kiket-workbench serve` starts the extension on a fixed port;
# wrk then alternates direct rounds (to that port) with rounds through serve's listener, at 50 and
# at 1 connection, and serve's own CPU time and context switches (all its threads, both kinds) are
# read from /proc for each round through it. When nginx is installed, a third route goes through
# nginx as a plain reverse proxy (one process, keep-alive to the extension, no logs), with its CPU
# time and context switches too: what a forwarding proxy costs on the same machine in the same run,
# as a reference.
# usage: bench/forward-real.sh [BUILD_DIR] [express|python|all]
#        (DURATION seconds per round, default 5; ROUNDS, default 3; SERVE_ARGS, e.g. --quiet;
#         NGINX=0 leaves the nginx route out; CONNS, default "50 1")
# Ratios are given twice: the ratio of the medians, and "paired", the median of each round's own
# ratio to the direct round just before it, which many short rounds (ROUNDS=15 DURATION=2) make
# steadier on a machine whose speed drifts.
set -euo pipefail
build=${1:-build}
which=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
workbench=$(cd "$build" && pwd)/app/kiket-workbench
secret=bench-secret
body='{"event":"issue.created","issue":{"id":"1","title":"Benchmark","project_id":"proj-1"}}'
work=$(mktemp -d)
serve_pid=
nginx_pid=
stop_nginx() {
    [ -n "$nginx_pid" ] || return 0
    kill "$nginx_pid" 2>/dev/null
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=
}
stop_serve() { # SIGTERM; a serve still running 30 s later is reported and killed
    [ -n "$serve_pid" ] || return 0
    kill "$serve_pid" 2>/dev/null
    for _ in $(seq 300); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$serve_pid" 2>/dev/null; then
        echo "serve did not stop within 30 s of SIGTERM; killed" >&2
        kill -9 "$serve_pid" 2>/dev/null
    fi
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=
}
trap 'stop_serve; stop_nginx; rm -rf "$work"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }

# shellcheck source=bench/wrk-figures.sh
. "$here/wrk-figures.sh"

run_wrk() { # run_wrk CONNECTIONS URL -> "requests/s p50_us p99_us non2xx"
    local ts sig threads=2
    [ "$1" -eq 1 ] && threads=1
    read -r ts sig < <(sign "$secret" "$body")
    figures "$(BODY=$body wrk -t"$threads" -c"$1" -d"${duration}s" --latency -s "$here/post.lua" \
        -H "Content-Type: application/json" -H "X-Kiket-Timestamp: $ts" -H "X-Kiket-Signature: $sig" \
        "$2" 2>/dev/null)"
}

table_row() { # table_row CONNECTIONS ROUTE ROWS...: the medians of each column, no newline
    local conns=$1 route=$2; shift 2
    printf '%-5s %-8s %11s %9s %9s %6s' "$conns" "$route" "$(median 1 "$@")" "$(median 2 "$@")" \
        "$(median 3 "$@")" "$(median 4 "$@")"
}

# start_nginx UPSTREAM_PORT: sets proxy to nginx's port (empty when nginx is not installed or not
# wanted)
proxy=
start_nginx() {
    proxy=
    [ "${NGINX:-1}" != 0 ] && command -v nginx >/dev/null || return 0
    local port conf=$work/nginx
    port=$(free_port)
    mkdir -p "$conf"
    cat >"$conf/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $conf/nginx.pid;
error_log stderr error;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $conf/body;
    proxy_temp_path $conf/proxy;
    upstream extension { server 127.0.0.1:$1; keepalive 64; }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://extension;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    nginx -p "$conf" -c "$conf/nginx.conf" >/dev/null 2>"$work/nginx.log" &
    nginx_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.05; done
    proxy=$port
}

# proxied_round CONNECTIONS PID PORT -> "requests/s p50_us p99_us non2xx cpu_us_per_request
# switches_per_request": one round through the proxy PID listening on PORT, with its CPU time and
# context switches from /proc
proxied_round() {
    local before after switched row
    switched=$(switches "$2")
    before=$(cpu_ticks "$2")
    row=$(run_wrk "$1" "http://127.0.0.1:$3/v/1/webhooks/issue.created")
    after=$(cpu_ticks "$2")
    switched=$(($(switches "$2") - switched))
    awk -v t="$((after - before))" -v n="$switched" -v hz="$(getconf CLK_TCK)" -v d="$duration" \
        '{printf "%s %.1f %.2f\n", $0, t / hz / ($1 * d) * 1e6, n / ($1 * d)}' <<<"$row"
}

proxy_row() { # proxy_row CONNECTIONS ROUTE ROWS...: table_row and the proxy's own medians
    table_row "$@"
    shift 2
    printf ' %10s us %12s\n' "$(median 5 "$@")" "$(median 6 "$@")"
}

# bench_server NAME COMMAND...: serve starts COMMAND as the extension; then the alternating rounds.
bench_server() {
    local name=$1; shift
    local folder=$work/$name port
    port=$(free_port)
    forward_folder "$folder" "$port" "$@"
    KIKET_WEBHOOK_SECRET=$secret "$workbench" serve "$folder" --port 0 --sandbox-port 0 \
        ${SERVE_ARGS:-} >"$work/$name.ndjson" 2>"$work/$name.log" &
    serve_pid=$!
    local listener
    listener=$(serve_listener "$work/$name.log" "$port" "$serve_pid") || exit 1
    start_nginx "$port"
    echo "== $name: $* (port $port), through serve on $listener${proxy:+, through nginx on $proxy};" \
        "$rounds alternating rounds of ${duration}s, medians"
    printf '%-5s %-8s %11s %9s %9s %6s %13s %10s\n' conns route "requests/s" "p50 us" "p99 us" non2xx \
        "proxy CPU/req" "switches/req"
    run_wrk 50 "http://127.0.0.1:$port/v/1/webhooks/issue.created" >/dev/null # warm-up
    for conns in ${CONNS:-50 1}; do
        local direct=() through=() nginx=()
        for _ in $(seq "$rounds"); do
            direct+=("$(run_wrk "$conns" "http://127.0.0.1:$port/v/1/webhooks/issue.created")")
            through+=("$(proxied_round "$conns" "$serve_pid" "$listener")")
            [ -z "$proxy" ] || nginx+=("$(proxied_round "$conns" "$nginx_pid" "$proxy")")
        done
        table_row "$conns" direct "${direct[@]}"; echo
        proxy_row "$conns" through "${through[@]}"
        awk -v t="$(median 1 "${through[@]}")" -v d="$(median 1 "${direct[@]}")" \
            -v a="$(($(median 2 "${through[@]}") - $(median 2 "${direct[@]}")))" \
            -v b="$(($(median 3 "${through[@]}") - $(median 3 "${direct[@]}")))" \
            -v p="$(paired_ratio "${through[@]}" -- "${direct[@]}")" \
            'BEGIN {printf "      ratio through/direct %.2f (paired %.2f; target >= 0.9 at 50), added p50 %d us (target < 500 at 1), added p99 %d us\n", t / d, p, a, b}'
        if [ -n "$proxy" ]; then
            proxy_row "$conns" nginx "${nginx[@]}"
            awk -v t="$(median 1 "${nginx[@]}")" -v d="$(median 1 "${direct[@]}")" \
                -v a="$(($(median 2 "${nginx[@]}") - $(median 2 "${direct[@]}")))" \
                -v p="$(paired_ratio "${nginx[@]}" -- "${direct[@]}")" \
                'BEGIN {printf "      ratio nginx/direct %.2f (paired %.2f), added p50 %d us (a reverse proxy alone, for reference)\n", t / d, p, a}'
        fi
    done
    stop_nginx
    stop_serve
}

case $which in
    express | all) [ -d "$here/extensions/express/node_modules" ] \
        || npm --prefix "$here/extensions/express" ci --no-audit --no-fund >/dev/null
        bench_server express node "$here/extensions/express/server.js" ;;&
    python | all) bench_server python python3 "$here/extensions/stdlib-server.py" ;;
    express) ;;
    *) echo "usage: bench/forward-real.sh [BUILD_DIR] [express|python|all]" >&2; exit 2 ;;
esac
