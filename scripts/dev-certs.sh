#!/usr/bin/env bash
# Makes the development TLS material the default config points at: a CA,
# a server certificate for 127.0.0.1/localhost and a collector client
# certificate, all EC P-256 and valid for 825 days (the longest validity
# Apple and some browsers accept for leaf certificates). Files that exist
# are kept, so running it again changes nothing.
#
# Usage: scripts/dev-certs.sh [DIR]   (default: .dev)
set -euo pipefail

dir="${1:-.dev}"
days=825
collector_subject='/O=sluice dev/CN=sluice-dev-collector'

mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"

# Keys are written under umask 077 so they are never readable by others,
# not even for the moment between creation and chmod.
new_key() {
  (umask 077 && openssl genpkey -algorithm EC \
    -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
  chmod 600 "$1"
}

if [ ! -s ca.pem ] || [ ! -s ca-key.pem ]; then
  new_key ca-key.pem
  openssl req -new -x509 -key ca-key.pem -sha256 -days "$days" \
    -subj '/O=sluice dev/CN=sluice dev CA' \
    -addext 'basicConstraints=critical,CA:TRUE' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -out ca.pem
  # A new CA invalidates every leaf signed by an earlier one.
  rm -f server.pem collector.pem
fi

# Signs a CSR for key $1 with subject $2 and extensions file $3 into $4.
issue() {
  local key="$1" subject="$2" ext="$3" out="$4"
  openssl req -new -key "$key" -subj "$subject" -out "$out.csr"
  openssl x509 -req -in "$out.csr" -CA ca.pem -CAkey ca-key.pem \
    -CAcreateserial -days "$days" -sha256 -extfile "$ext" \
    -out "$out" 2>/dev/null
  rm -f "$out.csr" "$ext"
}

if [ ! -s server.pem ] || [ ! -s server-key.pem ]; then
  [ -s server-key.pem ] || new_key server-key.pem
  cat > server.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EXT
  issue server-key.pem '/O=sluice dev/CN=localhost' server.ext server.pem
fi

if [ ! -s collector.pem ] || [ ! -s collector-key.pem ]; then
  [ -s collector-key.pem ] || new_key collector-key.pem
  cat > collector.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
EXT
  issue collector-key.pem "$collector_subject" collector.ext collector.pem
fi

chmod 600 ./*-key.pem
openssl verify -CAfile ca.pem server.pem collector.pem >/dev/null
echo "dev certs: $(pwd)"
