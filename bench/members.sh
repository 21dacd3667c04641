#!/usr/bin/env bash
# Starts ONE member of a benchmark cluster in the background, writes its pid file, and returns.
# run.sh uses it to start the clusters, and `raftkv-bench failover --restart-command` to restart a
# killed member the same way. Settings come from the environment run.sh exports:
#   BENCH_PIDS                      folder of pid files ({name}.pid)
#   BENCH_SILO_BIN BENCH_RAFT_DATA  raftkv-silo executable, RaftOrleans data directory
#   BENCH_SILO_PORT BENCH_GATEWAY_PORT   ports of silo1 (silo i uses base + i - 1)
#   BENCH_ETCD_DIR BENCH_ETCD_CLIENT_PORT BENCH_ETCD_PEER_PORT   etcd data/log folder and ports of etcd1
#   BENCH_SILO_TLS_DIR              (optional) certificates from scripts/make-dev-ca.sh: the silo runs with TLS,
#                                   granting writer ReadWrite and admin Admin
# Usage: members.sh silo|etcd NAME   (NAME ends in the member's number: silo2, etcd3)
set -euo pipefail
kind="${1:?usage: members.sh silo|etcd NAME}"
name="${2:?usage: members.sh silo|etcd NAME}"
index="${name//[!0-9]/}"
[[ -n "$index" ]] || { echo "members.sh: member name '$name' has no number" >&2; exit 2; }

case "$kind" in
  silo)
    tls=()
    if [[ -n "${BENCH_SILO_TLS_DIR:-}" ]]; then
      tls=(--tls-cert "$BENCH_SILO_TLS_DIR/$name.crt" --tls-key "$BENCH_SILO_TLS_DIR/$name.key" --tls-ca "$BENCH_SILO_TLS_DIR/ca.crt"
        --Security:Clients:writer:Access=ReadWrite --Security:Clients:admin:Access=Admin)
    fi
    "$BENCH_SILO_BIN" run --name "$name" "${tls[@]}" \
      --silo-port $((BENCH_SILO_PORT + index - 1)) --gateway-port $((BENCH_GATEWAY_PORT + index - 1)) \
      --data "$BENCH_RAFT_DATA" --cluster-id raftkv-bench --service-id raftkv-bench \
      >>"$BENCH_RAFT_DATA/$name.log" 2>&1 </dev/null &
    ;;
  etcd)
    cluster=""
    for i in 1 2 3; do cluster+="${cluster:+,}etcd$i=http://127.0.0.1:$((BENCH_ETCD_PEER_PORT + i - 1))"; done
    client="http://127.0.0.1:$((BENCH_ETCD_CLIENT_PORT + index - 1))"
    peer="http://127.0.0.1:$((BENCH_ETCD_PEER_PORT + index - 1))"
    # Default etcd settings (heartbeat 100 ms, election 1 s, fsync on); only names, dirs and loopback URLs are set.
    # On a restart the data directory exists and etcd ignores the --initial-* flags.
    etcd --name "$name" --data-dir "$BENCH_ETCD_DIR/$name" \
      --listen-client-urls "$client" --advertise-client-urls "$client" \
      --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
      --initial-cluster "$cluster" --initial-cluster-token raftkv-bench --initial-cluster-state new \
      >>"$BENCH_ETCD_DIR/$name.log" 2>&1 </dev/null &
    ;;
  *) echo "members.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
echo $! >"$BENCH_PIDS/$name.pid"
