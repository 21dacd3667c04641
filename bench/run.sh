#!/usr/bin/env bash
# The whole comparison in one command: builds Release, then for RaftOrleans (3 silo processes),
# etcd (3 members) and the unreplicated baseline (1 silo, 1 grain) on loopback, sweeps puts over
# 1/16/64/256 clients and linearizable gets at 64, measures failover (kill -9 of the leader, then of
# a follower), and writes summary.md (table with ratios) and PNG charts into the results folder.
#
#   bench/run.sh                     full run (about 15-25 min on 2 cores)
#   DURATION=3 WARMUP=1 PUT_CLIENTS="1 64" TRIALS=1 bench/run.sh     a short smoke run
#
# Settings (environment): DURATION WARMUP (s, per load run), PRIME (s of unmeasured mixed load before a
# target's sweep, default 10; 0 = none), PUT_CLIENTS, GET_CLIENTS, TRIALS (0: no failover),
# TARGETS (subset of "raftorleans etcd baseline"), RESULTS (folder; default bench/results/<time>),
# BASE_PORT (default 41000: silos 41111.., gateways 41001.., etcd 42379../42380.., baseline 41211/41201),
# TLS (off | on | both, default off: RaftOrleans with TLS and client authorization, docs/security.md; both runs
# the RaftOrleans sweep without TLS, then again with it on fresh data, results of the TLS run in <results>/tls-on,
# and writes tls-summary.md comparing every put and get run of the two).
# Every process started here is stopped on exit, Ctrl+C included. Exit code 0 when every step ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

duration="${DURATION:-10}"
warmup="${WARMUP:-2}"
prime="${PRIME:-10}"
put_clients="${PUT_CLIENTS:-1 16 64 256}"
get_clients="${GET_CLIENTS:-64}"
trials="${TRIALS:-5}"
targets="${TARGETS:-raftorleans etcd baseline}"
tls_mode="${TLS:-off}"
case "$tls_mode" in off) tls_modes=off ;; on) tls_modes=on ;; both) tls_modes="off on" ;; *) echo "TLS must be off, on or both, not '$tls_mode'" >&2; exit 2 ;; esac
base="${BASE_PORT:-41000}"
results="${RESULTS:-bench/results/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results" && results="$(cd "$results" && pwd)"
# Generous bound on one load run: connect + preload + warm-up + measure.
run_timeout=$(( ${duration%.*} + ${warmup%.*} + 180 ))
failover_timeout=$(( trials * 240 + 60 ))

export BENCH_PIDS="$results/pids"
export BENCH_SILO_BIN="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
export BENCH_RAFT_DATA="$results/raftorleans-data"
export BENCH_SILO_PORT=$((base + 111)) BENCH_GATEWAY_PORT=$((base + 1))
export BENCH_ETCD_DIR="$results/etcd-data"
export BENCH_ETCD_CLIENT_PORT=$((base + 1379)) BENCH_ETCD_PEER_PORT=$((base + 1389))
baseline_silo_port=$((base + 211)) baseline_gateway_port=$((base + 201))
bench_bin="$root/bench/RaftOrleans.Bench/bin/Release/net10.0/raftkv-bench"
members="$root/bench/members.sh"
mkdir -p "$BENCH_PIDS" "$BENCH_RAFT_DATA" "$BENCH_ETCD_DIR"
log="$results/run.log"

source "$root/bench/bench-lib.sh"
# Load sweeps through the same generator for one target; $@ = target options.
sweep() {
  local target=$1; shift
  local out="${SWEEP_OUT:-$results}"
  local c
  # Priming, not measured: a fresh .NET process runs unoptimised (tier-0) code until the JIT has seen
  # its hot paths (measured: the first 1-client run after start was 4x slower than the same run
  # repeated). Every target gets the same priming, so the comparison is of steady states.
  if [ "$prime" != 0 ]; then
    bench "$run_timeout" run --target "$target" "$@" --workload mixed --clients 16 --duration "$prime" --warmup 1 --out "$results/priming" >/dev/null || true
  fi
  for c in $put_clients; do
    bench "$run_timeout" run --target "$target" "$@" --workload put --clients "$c" --duration "$duration" --warmup "$warmup" --out "$out" || true
  done
  for c in $get_clients; do
    bench "$run_timeout" run --target "$target" "$@" --workload get --clients "$c" --duration "$duration" --warmup "$warmup" --out "$out" || true
  done
}

failover() {
  local target=$1 kind=$2 pidfile=$3; shift 3
  local victim
  [ "$trials" = 0 ] && return 0   # TRIALS=0: no failover measurement
  for victim in leader follower; do
    # A 2 s per-write deadline bounds writes stuck behind a killed gateway or member; the probe keeps
    # sending one write every 10 ms meanwhile (up to 1000 in flight), so the first write sent after
    # the kill that succeeds measures the cluster, not a client timeout.
    bench "$failover_timeout" failover --target "$target" "$@" --kill "$victim" --trials "$trials" --timeout 2 \
      --pid-file "$pidfile" --restart-command "$members $kind {name}" --out "${SWEEP_OUT:-$results}" || true
  done
}

say "results: $results"
say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "building Release (raftkv-silo, raftkv-bench)"
dotnet build silo/RaftOrleans.Silo/RaftOrleans.Silo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >>"$log"
dotnet build bench/RaftOrleans.Bench/RaftOrleans.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >>"$log"

for target in $targets; do
  case "$target" in
    raftorleans)
      for mode in $tls_modes; do
        check_ports $BENCH_SILO_PORT $((BENCH_SILO_PORT + 1)) $((BENCH_SILO_PORT + 2)) $BENCH_GATEWAY_PORT $((BENCH_GATEWAY_PORT + 1)) $((BENCH_GATEWAY_PORT + 2))
        opts=(--cluster-id raftkv-bench --service-id raftkv-bench)
        export BENCH_SILO_TLS_DIR="" SWEEP_OUT="$results"
        if [ "$mode" = on ]; then
          # A throwaway CA per run (never committed): the silos' certificates and the writer/admin clients'.
          scripts/make-dev-ca.sh "$results/tls" >>"$log"
          BENCH_SILO_TLS_DIR="$results/tls"
          export BENCH_RAFT_DATA="$results/raftorleans-tls-data"
          [ "$tls_mode" = both ] && SWEEP_OUT="$results/tls-on"
          mkdir -p "$BENCH_RAFT_DATA" "$SWEEP_OUT"
          opts+=(--cert "$results/tls/writer.crt" --key "$results/tls/writer.key" --cacert "$results/tls/ca.crt")
        fi
        opts=(--data "$BENCH_RAFT_DATA" "${opts[@]}")
        say "RaftOrleans: starting silo1..3 (data $BENCH_RAFT_DATA, TLS $mode)"
        for i in 1 2 3; do "$members" silo "silo$i"; done
        bench 200 wait --target raftorleans "${opts[@]}" --deadline 180 || { stop_members; continue; }
        sweep raftorleans "${opts[@]}"
        failover raftorleans silo "$BENCH_PIDS/{name}.pid" "${opts[@]}"
        stop_members
      done
      export BENCH_SILO_TLS_DIR="" SWEEP_OUT="$results"
      ;;
    etcd)
      if ! command -v etcd >/dev/null; then
        say "etcd missing: installing Debian's etcd-server"
        apt-get install -y etcd-server >>"$log" 2>&1 || { apt-get update >>"$log" 2>&1 && apt-get install -y etcd-server >>"$log" 2>&1; }
      fi
      check_ports $BENCH_ETCD_CLIENT_PORT $((BENCH_ETCD_CLIENT_PORT + 1)) $((BENCH_ETCD_CLIENT_PORT + 2)) $BENCH_ETCD_PEER_PORT $((BENCH_ETCD_PEER_PORT + 1)) $((BENCH_ETCD_PEER_PORT + 2))
      say "etcd $(etcd --version | head -1 | awk '{print $3}'): starting etcd1..3 (data $BENCH_ETCD_DIR)"
      for i in 1 2 3; do "$members" etcd "etcd$i"; done
      endpoints="http://127.0.0.1:$BENCH_ETCD_CLIENT_PORT,http://127.0.0.1:$((BENCH_ETCD_CLIENT_PORT + 1)),http://127.0.0.1:$((BENCH_ETCD_CLIENT_PORT + 2))"
      bench 200 wait --target etcd --endpoints "$endpoints" --deadline 180 || { stop_members; continue; }
      sweep etcd --endpoints "$endpoints"
      failover etcd etcd "$BENCH_PIDS/{name}.pid" --endpoints "$endpoints"
      stop_members
      ;;
    baseline)
      check_ports $baseline_silo_port $baseline_gateway_port
      say "baseline: starting one silo hosting the single SQLite-persisted grain"
      "$bench_bin" baseline-silo --data "$results/baseline-data" --silo-port $baseline_silo_port --gateway-port $baseline_gateway_port \
        >>"$results/baseline-silo.log" 2>&1 </dev/null &
      echo $! >"$BENCH_PIDS/baseline.pid"
      opts=(--gateway "127.0.0.1:$baseline_gateway_port")
      bench 200 wait --target baseline "${opts[@]}" --deadline 180 || { stop_members; continue; }
      sweep baseline "${opts[@]}"
      stop_members
      ;;
    *) echo "unknown target '$target' in TARGETS" >&2; exit 2 ;;
  esac
done

say "report"
"$bench_bin" report --results "$results" | tee -a "$log"
if [ "$tls_mode" = both ]; then
  # TLS on vs off, every RaftOrleans put/get run present in both: throughput and p99 and their ratios.
  python3 - "$results" >"$results/tls-summary.md" <<'PY'
import glob, json, os, sys
results = sys.argv[1]
print("# RaftOrleans with TLS and client authorization vs without (same machine, one after the other)\n")
print("| run | off ops/s | on ops/s | on/off | off p99 ms | on p99 ms | on/off |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for off_path in sorted(glob.glob(f"{results}/run-raftorleans-*.json")):
    on_path = os.path.join(results, "tls-on", os.path.basename(off_path))
    if not os.path.exists(on_path): continue
    off, on = json.load(open(off_path)), json.load(open(on_path))
    name = os.path.basename(off_path)[len("run-raftorleans-"):-len(".json")]
    o, n = off["opsPerSecond"], on["opsPerSecond"]
    po, pn = off["latencyMs"]["p99"], on["latencyMs"]["p99"]
    print(f"| {name} | {o:,.0f} | {n:,.0f} | {n / o:.2f}x | {po:.2f} | {pn:.2f} | {pn / po:.2f}x |")
PY
  tee -a "$log" <"$results/tls-summary.md"
fi
if ((failed_steps > 0)); then say "$failed_steps step(s) failed: see $log"; exit 1; fi
