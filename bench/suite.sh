#!/usr/bin/env bash
# A 1,000-case delivery suite against the in-process C++ example: the example's own cases repeated
# until there are CASES of them, run by `kiket-workbench test` as CI runs it. Prints the wall time
# (start, every case, stop) and cases per second; the target is under 10 s.
set -euo pipefail
build=${1:-build}
cases=${CASES:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
example=$root/examples/hello-extension
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$example/extension.yaml" "$work/"
mkdir -p "$work/.kiket/suites/bench"
sources=("$example"/.kiket/suites/handlers/*.yaml)
for i in $(seq -w 1 "$cases"); do
    cp "${sources[$(( 10#$i % ${#sources[@]} ))]}" "$work/.kiket/suites/bench/case-$i.yaml"
done
start=$(date +%s.%N)
"$build/app/kiket-workbench" test "$work" --plugin "$build/examples/hello-extension/hello-extension-plugin.so" \
    >"$work/out.txt" 2>"$work/err.txt" || { grep -A3 "^FAIL" "$work/out.txt" | head -20; echo "the suite failed" >&2; exit 1; }
end=$(date +%s.%N)
summary=$(tail -1 "$work/out.txt")
awk -v s="$start" -v e="$end" -v n="$cases" -v r="$summary" \
    'BEGIN { t = e - s; printf "%d cases in %.2f s (%.0f cases/s; target < 10 s): %s\n", n, t, n / t, r }'
