# Shell helpers shared by the benchmark scripts (sourced): signing a body, reading wrk's figures
# and taking medians over rounds.

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
