#!/usr/bin/env bash
# Install the Debian packages Abhyas needs when they are missing: `run` needs none beyond Python,
# `test` needs Chromium (browser tests), espeak-ng and opus-tools (audio packs), Node (JS tests) and the
# PostgreSQL server programs (the unit tests run a second time on a throwaway PostgreSQL cluster).
set -euo pipefail
want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }
# Debian keeps initdb and pg_ctl off PATH, under /usr/lib/postgresql/VERSION/bin.
need_postgres() { command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || want+=(postgresql); }
case "${1:-test}" in
  run)
    need espeak-ng espeak-ng
    need opusenc opus-tools
    ;;
  test)
    need chromium chromium
    need espeak-ng espeak-ng
    need opusenc opus-tools
    need opusinfo opus-tools
    need node nodejs
    need_postgres
    ;;
esac
[ ${#want[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${want[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${want[@]}" fonts-noto-core >/dev/null
