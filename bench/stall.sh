#!/usr/bin/env bash
# raftkv-bench stall on three fresh raftkv-silo processes on loopback: (a) SIGSTOP the leader's silo
# 10 s under a write loop, 10 times; (b) 20 random 1-15 s SIGSTOP/SIGCONT cycles of random silos under
# a mixed workload. Prints (and writes to $RESULTS/stall.md) a table of each figure and its target.
#
#   bench/stall.sh                          full run (about 6-8 min on 2 cores)
#   bench/stall.sh --trials 2 --cycles 3    a short run (any raftkv-bench stall option is passed on)
#
# Settings (environment): RESULTS (folder; default bench/results/stall-<time>), BASE_PORT (default 43000:
# silos 43111.., gateways 43001..), NO_BUILD=1 (use the built binaries). The silos run with their own
# (stall-tolerant) membership defaults; RAFTKV_Membership__* variables in the environment override them
# and are recorded in $RESULTS/membership.env.
# Every silo started here is stopped on exit, Ctrl+C included.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

base="${BASE_PORT:-43000}"
results="${RESULTS:-bench/results/stall-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results" && results="$(cd "$results" && pwd)"
export BENCH_PIDS="$results/pids"
export BENCH_SILO_BIN="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
export BENCH_RAFT_DATA="$results/raftorleans-data"
export BENCH_SILO_PORT=$((base + 111)) BENCH_GATEWAY_PORT=$((base + 1))
bench_bin="$root/bench/RaftOrleans.Bench/bin/Release/net10.0/raftkv-bench"
mkdir -p "$BENCH_PIDS" "$BENCH_RAFT_DATA"

env | grep '^RAFTKV_Membership__' | sort >"$results/membership.env" || true

stop_silos() {
  local f pid
  for f in "$BENCH_PIDS"/*.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"; rm -f "$f"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
trap 'status=$?; trap - EXIT; stop_silos; exit $status' EXIT
trap 'exit 130' INT TERM

if [[ "${NO_BUILD:-}" != 1 ]]; then
  dotnet build "$root/RaftOrleans.sln" -c Release -nologo -clp:ErrorsOnly >&2
fi

gateways=()
for i in 1 2 3; do
  "$root/bench/members.sh" silo "silo$i"
  gateways+=(--gateway "127.0.0.1:$((BENCH_GATEWAY_PORT + i - 1))")
done
ids=(--cluster-id raftkv-bench --service-id raftkv-bench)
"$bench_bin" wait --target raftorleans "${gateways[@]}" "${ids[@]}" --deadline 180
"$bench_bin" stall "${gateways[@]}" "${ids[@]}" --pid-file "$BENCH_PIDS/{name}.pid" --out "$results/stall.md" "$@" | tee "$results/stall.log"
