#!/usr/bin/env bash
# Runs the fuzz targets of a KIKET_FUZZ build: run.sh BUILD_DIR [TARGET|all] [SECONDS]
# Each target starts from its seed corpus (tests/fuzz/corpus) plus what earlier runs found
# (BUILD_DIR/corpus), and prints executions, speed, coverage and any failure with its input file.
# FUZZ_SEED fixes libFuzzer's random seed, so a run repeats the same inputs on the same corpus.
set -uo pipefail
build=$1 only=${2:-all} seconds=${3:-60}
here=$(cd "$(dirname "$0")" && pwd)

# target:seed corpus:dictionary
TARGETS=(request:request:request chunked:chunked:chunked http_diff:request:request hmac:hmac:
         jwt:jwt:jwt manifest:manifest:yaml workbench_yaml:workbench_yaml:yaml fixtures:fixtures:yaml
         filter:filter:filter export:export: answer:answer:answer)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen

failed=0 ran=0
printf '%-15s %8s %12s %9s %7s %7s %7s  %s\n' target seconds execs execs/s cov ft corpus result
for entry in "${TARGETS[@]}"; do
    IFS=: read -r name seeds dict <<<"$entry"
    [ "$only" = all ] || [ "$only" = "$name" ] || continue
    ran=$((ran + 1))
    program=$build/tests/fuzz/fuzz_$name
    work=$build/corpus/$name crashes=$build/crashes/$name log=$build/logs/$name.log
    mkdir -p "$work" "$crashes" "$(dirname "$log")"
    args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
          -artifact_prefix="$crashes/" -max_len=16384)
    [ -n "$dict" ] && args+=(-dict="$here/dict/$dict.dict")
    [ -n "${FUZZ_SEED:-}" ] && args+=(-seed="$FUZZ_SEED")
    "$program" "${args[@]}" "$work" "$here/corpus/$seeds" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    if [ $status -eq 0 ]; then
        result=ok
    else
        failed=$((failed + 1))
        crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        result="FAILED (exit $status): ${crash:-see $log}"
    fi
    printf '%-15s %8s %12s %9s %7s %7s %7s  %s\n' "$name" "$seconds" "${execs:-?}" "${speed:-?}" \
        "${cov:-?}" "${ft:-?}" "${corpus:-?}" "$result"
    if [ $status -ne 0 ]; then
        grep -E 'fuzz check failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log" | head -3 | sed 's/^/    /'
        [ -n "${crash:-}" ] && printf '    reproduce: %s %s\n    keep as a regression case: cp %s %s/regressions/%s/\n' \
            "$program" "$crash" "$crash" "$here" "$name"
    fi
done
[ $ran -gt 0 ] || { echo "run.sh: no fuzz target named $only" >&2; exit 2; }
[ $failed -eq 0 ]
