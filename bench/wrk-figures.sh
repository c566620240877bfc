# Shell helpers shared by the benchmark scripts (sourced): signing a body, reading wrk's figures,
# taking medians over rounds, and an extension folder for serve in forward mode.

sign() { # sign SECRET BODY -> "timestamp signature"
    local ts; ts=$(date +%s)
    echo "$ts $(printf '%s.%s' "$ts" "$2" | openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //')"
}

figures() { # figures WRK_OUTPUT -> "rps p50_us p99_us non2xx"
    awk 'function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
         /^Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) }
         /Non-2xx/ { bad = $NF } END { printf "%s %d %d %d\n", rps, p50, p99, bad + 0 }' <<<"$1"
}

median() { # median COLUMN ROWS... (numeric sort on the column, unit suffix kept)
    local col=$1; shift
    printf '%s\n' "$@" | awk -v c="$col" '{print $c}' | sort -g | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}'
}

paired_ratio() { # paired_ratio ROWS_A... -- ROWS_B...: the median of A[i]/B[i] in requests/s. A round
    # compared with the one just before it drifts less with the machine's load than two medians.
    local a=() b=() in_b=
    for row; do
        if [ "$row" = -- ]; then in_b=1; elif [ -n "$in_b" ]; then b+=("$row"); else a+=("$row"); fi
    done
    for i in "${!a[@]}"; do
        awk -v x="${a[$i]%% *}" -v y="${b[$i]%% *}" 'BEGIN {printf "%.4f\n", x / y}'
    done | sort -g | awk '{r[NR]=$1} END {printf "%.2f", r[int((NR+1)/2)]}'
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

forward_folder() { # forward_folder FOLDER PORT COMMAND...: an extension folder serve forwards to
    local folder=$1 port=$2; shift 2
    mkdir -p "$folder/.kiket"
    cp "$(dirname "${BASH_SOURCE[0]}")/../examples/python-extension/extension.yaml" "$folder/"
    {
        echo "handler: forward"
        printf 'command: [%s]\n' "$(printf '"%s", ' "$@" | sed 's/, $//')"
        echo "port: $port"
        echo "health_path: /health"
    } >"$folder/.kiket/workbench.yaml"
}

serve_listener() { # serve_listener LOG PORT PID -> the port serve listens on, once the extension answers
    local listener=
    for _ in $(seq 600); do
        listener=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$1")
        [ -n "$listener" ] && curl -sf "http://127.0.0.1:$2/health" >/dev/null && break
        kill -0 "$3" 2>/dev/null || { cat "$1" >&2; echo "serve stopped" >&2; return 1; }
        sleep 0.1
    done
    [ -n "$listener" ] || { echo "serve did not start listening" >&2; return 1; }
    echo "$listener"
}
