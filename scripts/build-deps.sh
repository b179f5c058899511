#!/usr/bin/env bash
# Installs the Debian package sluice's native addon builds against:
# liblz4-dev, for LZ4 block compression at about twice lz4-napi's speed.
# Best effort: without root or apt-get, or when the install fails, it
# says so and the build carries on with lz4-napi; it never fails make.
set -uo pipefail

if [ -f /usr/include/lz4.h ]; then
  exit 0
fi

note() {
  echo "sluice: $1; LZ4 falls back to lz4-napi (about half the speed)" >&2
}

if ! command -v apt-get >/dev/null; then
  note "no apt-get to install liblz4-dev"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  note "not root: run 'sudo apt-get install liblz4-dev' for the fast path"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends liblz4-dev >/dev/null \
    2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends liblz4-dev >/dev/null 2>&1 ||
    note "apt-get could not install liblz4-dev"
fi
exit 0
