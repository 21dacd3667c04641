#!/usr/bin/env bash
# Makes a throwaway local CA and the certificates a local TLS cluster needs, for development and tests only
# (keys are unencrypted; never use them in production, never commit them).
#
#   scripts/make-dev-ca.sh [DIR]          default DIR: ./.raftkv-tls
#   SILOS=5 CLIENTS="admin writer reader app" DAYS=30 scripts/make-dev-ca.sh DIR
#
# Writes into DIR: ca.crt/ca.key (the CA), silo1..siloN .crt/.key (CN=siloN, OU=raftkv-silo, TLS server
# and client auth, SAN 127.0.0.1/localhost), and one .crt/.key per client (CN=<name>, OU=raftkv-client,
# TLS client auth). Default clients: admin, writer, reader — the identities `raftkv-silo local --tls DIR`
# grants Admin, ReadWrite and ReadOnly. An existing DIR/ca.key is reused, so adding a client keeps the
# others valid. Then:
#   raftkv-silo local --tls DIR
#   raftkv --cert DIR/writer.crt --key DIR/writer.key --cacert DIR/ca.crt set greeting hello
set -euo pipefail
dir="${1:-./.raftkv-tls}"
silos="${SILOS:-3}"
clients="${CLIENTS:-admin writer reader}"
days="${DAYS:-30}"
openssl="${OPENSSL:-openssl}"
mkdir -p "$dir"
umask 077

key() { "$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ ! -f "$dir/ca.key" ]]; then
  key "$dir/ca.key"
  "$openssl" req -x509 -new -key "$dir/ca.key" -sha256 -days "$((days + 1))" -subj "/CN=raftkv-dev-ca/O=RaftOrleans development" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.crt"
fi

# issue NAME SUBJECT EXTENSIONS
issue() {
  local name=$1 subject=$2 extensions=$3
  key "$dir/$name.key"
  "$openssl" req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr"
  printf '%b' "$extensions" >"$dir/$name.ext"
  "$openssl" x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -sha256 -days "$days" \
    -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

for i in $(seq 1 "$silos"); do
  issue "silo$i" "/CN=silo$i/OU=raftkv-silo" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
done
for name in $clients; do
  issue "$name" "/CN=$name/OU=raftkv-client" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
done
chmod 644 "$dir"/*.crt
echo "make-dev-ca: CA and certificates for silo1..silo$silos and $clients in $dir"
