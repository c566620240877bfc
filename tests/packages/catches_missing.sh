#!/usr/bin/env bash
# The package check must fail, naming the package, when one the build needs is left off the list.
set -uo pipefail
build_dir=$1 source_dir=$2
check=$source_dir/tests/packages/check_packages.py
status=0
for package in libqt6opengl6-dev qtkeychain-qt6-dev libyaml-cpp-dev; do
    out=$("$check" "$build_dir" "$source_dir" --without "$package")
    rc=$?
    if [ $rc -ne 1 ] || ! grep -q "lacks $package," <<<"$out"; then
        echo "without $package the check gave exit $rc and did not name it:"; echo "$out"; status=1
    else
        echo "without $package: caught"
    fi
done
exit $status
