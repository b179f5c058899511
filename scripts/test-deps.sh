#!/usr/bin/env bash
# Installs the real syslog clients the integration tests drive: logger
# (bsdutils on Debian, util-linux elsewhere), rsyslog with a TLS stream
# driver, and openssl. Only missing packages are installed, so a machine
# that already has them is left alone and the step costs nothing.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=sudo
else
  sudo_cmd=
fi

# Output goes through a variable, not a pipe into grep -q: grep quitting
# early would kill the writer with SIGPIPE, which pipefail reports as a
# failure.
installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)"
  [[ "$status" == *'install ok installed'* ]]
}

# apt-cache policy prints "Candidate: (none)" or nothing for a package the
# configured archives do not carry.
available() {
  local policy
  policy="$(apt-cache policy "$1" 2>/dev/null || true)"
  [[ "$policy" =~ Candidate:\ [^\(] ]]
}

lists_fresh=no
refresh_lists() {
  if [ "$lists_fresh" = no ]; then
    $sudo_cmd apt-get update -qq
    lists_fresh=yes
  fi
}

wanted=(rsyslog util-linux bsdutils openssl)

# rsyslog's TLS drivers are separate packages; bookworm ships both. The
# tests prefer gtls and fall back to ossl, so either one is enough.
tls_drivers=(rsyslog-gnutls rsyslog-openssl)

if ! available rsyslog; then
  refresh_lists
fi

for pkg in "${tls_drivers[@]}"; do
  if available "$pkg"; then
    wanted+=("$pkg")
  fi
done

missing=()
for pkg in "${wanted[@]}"; do
  if ! installed "$pkg"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "test deps: all present"
  exit 0
fi

refresh_lists

# Installing rsyslog would start it as the machine's system logger through
# invoke-rc.d. A policy-rc.d that answers 101 ("action forbidden") keeps
# every service stopped; the previous policy, if any, is put back after.
policy=/usr/sbin/policy-rc.d
backup=
if [ -e "$policy" ]; then
  backup="$(mktemp)"
  $sudo_cmd cp -p "$policy" "$backup"
fi

restore_policy() {
  if [ -n "$backup" ]; then
    $sudo_cmd cp -p "$backup" "$policy"
    rm -f "$backup"
  else
    $sudo_cmd rm -f "$policy"
  fi
}
trap restore_policy EXIT

printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
$sudo_cmd chmod 755 "$policy"

echo "test deps: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq \
  --no-install-recommends "${missing[@]}"
