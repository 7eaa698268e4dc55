#!/bin/sh
# install-deps.sh - install every Debian package zhiku needs to build, test
# and run. Idempotent: installs only what is missing, and runs apt-get only
# then. Works as root; as another user it uses sudo if there is one.
#
#   scripts/install-deps.sh          build + tests (the default)
#   scripts/install-deps.sh --bench  also the benchmark peers' packages
set -eu

PKGS="ca-certificates build-essential cmake pkg-config
      libutf8proc-dev libxxhash-dev libxapian-dev libcmark-dev
      libpoppler-glib-dev libzip-dev libxml2-dev
      python3 python3-jieba python3-xapian
      python3-docx python3-cairo fonts-noto-cjk qpdf diffutils
      libcmocka-dev clang libclang-rt-14-dev valgrind clang-format groff-base"
if [ "${1:-}" = "--bench" ]; then
    PKGS="$PKGS sqlite3 libfriso-dev nodejs npm time xapian-tools
          poppler-utils pandoc"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: need root (or sudo) to install:$missing" >&2
    exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# wait (up to 10 minutes) for another apt or dpkg run, such as a machine's
# own start-up updates, to release the lock instead of failing at once
LOCK="-o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
$SUDO apt-get $LOCK update -q
# shellcheck disable=SC2086
$SUDO apt-get $LOCK install -y -q --no-install-recommends $missing
