#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked GNOME keyring (a throwaway
# HOME), so that QtKeychain has a real Secret Service to talk to.
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "with_keyring.sh: $tool is not installed" >&2; exit 1; }
done
if [ -z "${KEYRING_INSIDE:-}" ]; then
    exec env KEYRING_INSIDE=1 dbus-run-session -- "$0" "$@" 2> >(grep -v 'fd limit' >&2)
fi
HOME=$(mktemp -d)
export HOME
trap 'rm -rf "$HOME"' EXIT
eval "$(printf 'workbench-test' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
"$@"
