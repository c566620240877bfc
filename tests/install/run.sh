#!/usr/bin/env bash
# Installs from a build tree into a scratch prefix: builds and runs an out-of-tree extension against
# the SDK package, and runs the installed workbench.
set -euo pipefail
build_dir=$1 source_dir=$2
shift 2 # the rest goes to the consumer's cmake
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/tests/install/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_BUILD_TYPE=Debug "$@" >/dev/null
cmake --build "$work/build" >/dev/null
test -f "$work/build/outoftree-plugin.so" || { echo "the plugin helper built nothing" >&2; exit 1; }
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu" "$work/build/outoftree"

if grep -q '^KIKET_SDK_ONLY:BOOL=ON$' "$build_dir/CMakeCache.txt"; then
    # The SDK alone installs the SDK alone.
    if [ -e "$work/prefix/bin/kiket-workbench" ] || [ -n "$(find "$work/prefix" -name 'libkiketdevkit*')" ]; then
        echo "the SDK-only build installed parts of the workbench" >&2; exit 1
    fi
    exit 0
fi

# The workbench itself: it runs from the prefix without LD_LIBRARY_PATH, with its desktop entry
# and icon in place.
workbench=$work/prefix/bin/kiket-workbench
QT_QPA_PLATFORM=offscreen "$workbench" --help | grep -q 'kiket-workbench COMMAND' \
    || { echo "the installed kiket-workbench does not run" >&2; exit 1; }
grep -q '^Exec=kiket-workbench open %f$' "$work/prefix/share/applications/kiket-workbench.desktop"
test -s "$work/prefix/share/icons/hicolor/scalable/apps/kiket-workbench.svg"
