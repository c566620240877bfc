#!/usr/bin/env bash
# The C++ SDK on its own: configures this source tree with KIKET_SDK_ONLY in SDK_BUILD, checks it
# found only Qt Core/Network/Test, OpenSSL and yaml-cpp, builds it and runs its tests (among them
# install/find_package: an out-of-tree extension built against the SDK-only install), then checks
# that ./dev's SDK package list holds all it used.
# usage: sdk_only.sh SDK_BUILD SOURCE_DIR [cmake args...]
set -euo pipefail
sdk_build=$1 source_dir=$2
shift 2
cmake -S "$source_dir" -B "$sdk_build" -DKIKET_SDK_ONLY=ON -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null

# Nothing of the workbench's was looked for.
if found=$(grep -E '^(Qt6(Gui|Widgets|Sql|Charts|HttpServer|WebSockets|OpenGL|Keychain)|SQLite3|QSCINTILLA)[A-Za-z_]*:[A-Z]+=/' \
        "$sdk_build/CMakeCache.txt"); then
    echo "the SDK-only configuration found workbench dependencies:" >&2; echo "$found" >&2; exit 1
fi
cmake --build "$sdk_build" -j "$(nproc)" >/dev/null
if ldd "$sdk_build"/sdkcore/sdk/libkiketsdk.so | grep -E 'libQt6(Gui|Widgets|Sql|HttpServer)'; then
    echo "libkiketsdk.so loads more of Qt than Core and Network" >&2; exit 1
fi
QT_QPA_PLATFORM=offscreen ctest --test-dir "$sdk_build" --output-on-failure -j "$(nproc)"
"$source_dir/tests/packages/check_packages.py" "$sdk_build" "$source_dir" --sdk
