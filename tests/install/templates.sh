#!/usr/bin/env bash
# New extensions made by the installed workbench, as a user makes them: C++ (built against the
# installed SDK) and Python. Each starter suite passes; a handler changed to answer differently
# fails its suite at the expectation's file, line and column (exit 1, JUnit written); changed
# back, it passes again.
set -euo pipefail
build_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
workbench=$work/prefix/bin/kiket-workbench
export CMAKE_PREFIX_PATH=$work/prefix QT_QPA_PLATFORM=offscreen

suite() { # suite FOLDER EXIT SUMMARY
    local code=0
    "$workbench" test "$1" --junit "$work/results.xml" >"$work/out.txt" 2>"$work/err.txt" || code=$?
    if [ "$code" != "$2" ] || ! grep -qx "$3" "$work/out.txt"; then
        echo "$1: expected exit $2 and '$3', got exit $code:" >&2
        cat "$work/out.txt" "$work/err.txt" >&2
        exit 1
    fi
    grep -q '<testsuite name="starter"' "$work/results.xml"
}

for language in cpp python; do
    folder=$work/$language-ext
    "$workbench" new "$folder" --language "$language" --events issue.created,workflow.sla_status >/dev/null
    suite "$folder" 0 "3 passed, 0 failed"
    case $language in
        cpp) file=handlers.cpp good='{ "ok", true }, { "event", "issue.created" }'
             bad='{ "ok", false }, { "event", "issue.created" }' ;;
        python) file=extension.py good='{"ok": True, "event": "issue.created"}'
                bad='{"ok": False, "event": "issue.created"}' ;;
    esac
    cp "$folder/$file" "$work/kept"
    python3 - "$folder/$file" "$good" "$bad" <<'PY'
import sys
path, good, bad = sys.argv[1:]
text = open(path).read()
assert text.count(good) == 1, f"{good!r} not found once in {path}"
open(path, "w").write(text.replace(good, bad))
PY
    suite "$folder" 1 "2 passed, 1 failed"
    grep -q "starter/issue.created.yaml:7:5: body.ok: expected true, got false" "$work/out.txt" \
        || { echo "$language: the failure does not name its place:" >&2; cat "$work/out.txt" >&2; exit 1; }
    grep -q '<failure message="body.ok: expected true, got false"' "$work/results.xml"
    cp "$work/kept" "$folder/$file"
    suite "$folder" 0 "3 passed, 0 failed"
    echo "$language: new, pass, fail at its place, pass again"
done
