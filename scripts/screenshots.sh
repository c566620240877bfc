#!/usr/bin/env bash
# Starts the workbench window under Xvfb on a copy of the example folder, sends a few deliveries
# (one with a wrong signature, one stale replay), and saves screenshots to docs/screenshots/.
# Needs xvfb, imagemagick and xdotool (installed when missing). Usage: scripts/screenshots.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=docs/screenshots
for p in xvfb imagemagick xdotool; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || { sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
             DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$p" >/dev/null; }
done
mkdir -p "$out"
work=$(mktemp -d)
cp examples/hello-extension/extension.yaml "$work/"
secret=screenshot-secret
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp &
xvfb=$!
app=
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export DISPLAY=$display
export XDG_CONFIG_HOME=$work/config # the default layout, and the user's settings left alone
sleep 1
listener=$((20000 + RANDOM % 20000))
sandbox=$((listener + 1))
KIKET_WEBHOOK_SECRET=$secret "$build/app/kiket-workbench" open "$work" \
    --plugin "$build/examples/hello-extension/hello-extension-plugin.so" \
    --port "$listener" --sandbox-port "$sandbox" >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$listener/health" >/dev/null && break; sleep 0.1; done
send() { "$build/app/kiket-workbench" send "$@" --folder "$work" --to "http://127.0.0.1:$listener" \
    --api-base "http://127.0.0.1:$sandbox" >/dev/null || true; }
KIKET_WEBHOOK_SECRET=$secret send issue.created
KIKET_WEBHOOK_SECRET=$secret send issue.created --version v2
KIKET_WEBHOOK_SECRET=$secret send workflow.sla_status
KIKET_WEBHOOK_SECRET=wrong-secret send issue.created
KIKET_WEBHOOK_SECRET=$secret send issue.created --mode stale
sleep 1.5
window=$(xdotool search --name "Kiket Workbench" | head -1)
xdotool windowsize "$window" 1400 900 windowmove "$window" 0 0
sleep 0.5
import -window root "$out/window.png"
# The delivery that failed its signature, selected: the overview says why and what to do.
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.8; }
click "${MISMATCH_X:-300}" "${MISMATCH_Y:-347}"
import -window root "$out/verdict.png"
click "${EDIT_X:-400}" "${EDIT_Y:-32}" # Edit and replay
import -window root "$out/edit-and-replay.png"
echo "saved $out/window.png, verdict.png, edit-and-replay.png"
