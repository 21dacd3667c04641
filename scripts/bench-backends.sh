#!/usr/bin/env bash
# Write throughput of a 3-silo RaftOrleans cluster (three `raftkv-silo run` processes on loopback) on the
# SQLite back end and on the PostgreSQL back end (clustering, reminders and Raft storage in one database of
# a private server from scripts/postgres.sh), side by side in one run, with raftkv-bench's put workload.
#
#   scripts/bench-backends.sh                    64 clients, 10 s measured, 2 s warm-up, 10 s unmeasured priming
#   CLIENTS=64 DURATION=5 scripts/bench-backends.sh
# Needs a Release build (dotnet build RaftOrleans.sln -c Release). Prints one line per back end.
set -uo pipefail
cd "$(dirname "$0")/.."
clients="${CLIENTS:-64}" duration="${DURATION:-10}" warmup="${WARMUP:-2}" prime="${PRIME:-10}" base="${BASE_PORT:-43000}"
silo_bin="$PWD/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
bench_bin="$PWD/bench/RaftOrleans.Bench/bin/Release/net10.0/raftkv-bench"
work=$(mktemp -d "${TMPDIR:-/tmp}/raftkv-bench-backends.XXXXXX")
pids=()

source scripts/postgres.sh
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  raftkv_postgres_stop
  rm -rf "$work"
}
trap cleanup EXIT
raftkv_postgres_start || exit 1
"$silo_bin" migrate --postgres "$RAFTKV_TEST_POSTGRES" || exit 1

for backend in sqlite postgres; do
  flags=()
  if [ "$backend" = postgres ]; then
    flags=("--Clustering:Provider=postgres" "--Clustering:ConnectionString=$RAFTKV_TEST_POSTGRES"
           "--Storage:Provider=postgres" "--Storage:ConnectionString=$RAFTKV_TEST_POSTGRES")
  fi
  gateways=()
  for i in 1 2 3; do
    "$silo_bin" run --name "silo$i" --data "$work/$backend" \
      --silo-port $((base + 100 + i)) --gateway-port $((base + i)) "${flags[@]}" >"$work/$backend-silo$i.log" 2>&1 &
    pids+=($!)
    gateways+=(--gateway "127.0.0.1:$((base + i))")
  done
  # The bench client gives up on gateways that are not listening yet: wait for every gateway port first.
  for i in 1 2 3; do
    for _ in $(seq 1 240); do (exec 3<>"/dev/tcp/127.0.0.1/$((base + i))") 2>/dev/null && break; sleep 0.5; done
  done
  timeout 200 "$bench_bin" wait --target raftorleans "${gateways[@]}" --deadline 180 >/dev/null || { echo "$backend: cluster did not serve"; exit 1; }
  # Unmeasured priming, as in bench/run.sh: fresh processes run unoptimised tier-0 code at first.
  if [ "$prime" != 0 ]; then
    timeout $((prime + 180)) "$bench_bin" run --target raftorleans "${gateways[@]}" --workload mixed \
      --clients 16 --duration "$prime" --warmup 1 --out "$work/priming" >/dev/null 2>&1
  fi
  result=$(timeout $((duration + warmup + 180)) "$bench_bin" run --target raftorleans "${gateways[@]}" --workload put \
    --clients "$clients" --duration "$duration" --warmup "$warmup" 2>/dev/null | grep -m1 -i "ops/s")
  echo "$backend: put, $clients clients, ${duration}s: $result"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  pids=()
  base=$((base + 200))
done
