#!/usr/bin/env bash
# ./dev where it cannot install: without apt it says what it needs; as a user without root or sudo
# it names the packages in one line. Either way it stops before building anything.
set -uo pipefail
source_dir=$1
[ "$(id -u)" -eq 0 ] || { echo "needs root to run ./dev as another user; skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp "$source_dir/dev" "$work/dev"

# bin_without NAME...: a folder of links to the system's programs except NAME...
bin_without() {
    local view=$work/bin-$RANDOM p
    mkdir "$view"
    ln -s /usr/bin/* "$view/"
    [ -L /bin ] || ln -s /bin/* "$view/" 2>/dev/null # a system without the /usr merge
    for p in "$@"; do rm -f "$view/$p"; done
    echo "$view"
}
status=0
check() { # check WHAT OUTPUT PATTERN
    if grep -qE "$3" <<<"$2"; then echo "ok: $1"; else echo "FAIL: $1; it said:"; echo "$2"; status=1; fi
}

view=$(bin_without apt-get dpkg-query)
out=$(cd "$work" && PATH=$view BUILD_DIR=$work/build ./dev test 2>&1)
check "no apt: exit 1" "exit $?" '^exit 1$'
check "no apt: says what it needs" "$out" '^\./dev: .*apt on Debian 12.*Qt >= 6\.4.*yaml-cpp.*KIKET_NO_APT=1$'
check "no apt: one line" "$(wc -l <<<"$out")" '^1$'

view=$(bin_without sudo dpkg-query)
printf '#!/bin/sh\nexit 1\n' >"$view/dpkg-query" # nothing is installed
chmod 755 "$view/dpkg-query"
out=$(cd "$work" && PATH=$view BUILD_DIR=$work/build setpriv --reuid=65534 --regid=65534 --clear-groups ./dev test 2>&1)
check "no sudo: exit 1" "exit $?" '^exit 1$'
check "no sudo: names the packages" "$out" '^\./dev: .*as root, run: apt-get install --no-install-recommends g\+\+ .*qt6-base-dev .*libqt6opengl6-dev .*dbus-daemon libxml2-utils .*libhttp-parser-dev$'
check "no sudo: one line" "$(wc -l <<<"$out")" '^1$'

[ -e "$work/build" ] && { echo "FAIL: ./dev built something"; status=1; }
exit $status
