#!/usr/bin/env bash
# The README's two commands on a clean Debian 12, for people (not CI: it downloads a Debian system
# and takes 30-90 minutes on 2 cores). Builds a minimal root with mmdebstrap (variant minbase, plus
# git), copies a clean clone of this repository's HEAD into it, then inside it:
#   1. ./dev run, headless: waits until it listens, sends it a delivery, expects 200, stops it;
#   2. ./dev test (--plain: only the plain suite, no ASan+UBSan pass).
# The root's processes live in their own PID and mount namespaces and end with it; the network is
# the host's (apt needs it; the workbench binds 127.0.0.1:8080 and :8090, which must be free).
# usage: sudo scripts/fresh-machine.sh [--plain] [--keep]    (--keep: leave the root for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
plain='' keep=''
for arg in "$@"; do
    case $arg in
        --plain) plain=--plain ;;
        --keep) keep=1 ;;
        *) echo "usage: scripts/fresh-machine.sh [--plain] [--keep]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh-machine: needs root (it builds a Debian root and chroots into it)" >&2; exit 2; }

started=$(date +%s)
elapsed() { local s=$(($(date +%s) - ${1:-$started})); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
log() { printf '\033[1m[fresh-machine %s] %s\033[0m\n' "$(elapsed)" "$*" >&2; }
finish() { # finish pass|fail WHAT
    echo "fresh-machine: $(tr a-z A-Z <<<"$1"): $2; total $(elapsed)"
    [ "$1" = pass ]
}

if ! command -v mmdebstrap >/dev/null; then
    log "Installing mmdebstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiket-fresh.XXXXXX")
root=$work/root
cleanup() { [ -n "$keep" ] && echo "fresh-machine: the root stays in $root" >&2 || rm -rf "$work"; }
trap cleanup EXIT

log "Building a minimal Debian 12 root in $root"
mmdebstrap --quiet --variant=minbase --include=git bookworm "$root" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" \
    || { finish fail "mmdebstrap could not build the root"; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
[ -s "$root/etc/hosts" ] || cp /etc/hosts "$root/etc/hosts"

head=$(git rev-parse --short HEAD)
git diff --quiet HEAD || log "Uncommitted changes are not tested: the root gets a clone of HEAD ($head)"
git clone --quiet --no-local . "$root/root/kiket-workbench"

# in_root SCRIPT: runs SCRIPT with bash inside the root, as root, in the clone, with a clean environment.
in_root() {
    unshare --mount --pid --fork --mount-proc="$root/proc" bash -c '
        root=$1
        mount --rbind /dev "$root/dev"
        mount -t sysfs sysfs "$root/sys"
        exec chroot "$root" env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            bash -c "cd /root/kiket-workbench || exit 1; $2"' in_root "$root" "$1"
}

# 1. ./dev run: install, build, start; a delivery must be answered 200.
log "./dev run (installs what is missing, builds, starts the workbench headless)"
step=$(date +%s)
run_check='
    ./dev run >/root/dev-run.log 2>&1 &
    pid=$!
    for _ in $(seq 7200); do
        grep -q "listening on" /root/dev-run.log && break
        kill -0 $pid 2>/dev/null || { tail -n 40 /root/dev-run.log; echo "./dev run stopped"; exit 1; }
        sleep 1
    done
    grep -E "^(Need to get|After this operation)" /root/dev-run.log || true
    KIKET_WEBHOOK_SECRET=$(cat examples/hello-extension/.kiket/dev-secret) \
        build/app/kiket-workbench send issue.created --folder examples/hello-extension
    status=$?
    kill $pid; wait $pid 2>/dev/null
    exit $status'
if ! in_root "$run_check"; then
    finish fail "./dev run did not answer a delivery (HEAD $head, after $(elapsed "$step"))"
    exit 1
fi
log "./dev run answered a delivery after $(elapsed "$step")"
run_time=$(elapsed "$step")

# 2. ./dev test.
log "./dev test $plain"
step=$(date +%s)
if ! in_root "./dev test $plain"; then
    finish fail "./dev test $plain failed (HEAD $head, after $(elapsed "$step"))"
    exit 1
fi
finish pass "HEAD $head; ./dev run answered a delivery after $run_time, ./dev test $plain passed in $(elapsed "$step")"
