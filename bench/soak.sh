#!/usr/bin/env bash
# The soak (issue 11, "Measure"): RaftOrleans (3 raftkv-silo processes, SQLite) and etcd (3 members), one
# after the other, each from empty data on loopback (127.0.0.1 only):
#   1. `raftkv-bench soak`: PUTS puts at CLIENTS clients over KEYS keys; per tenth ops/s, p99, every member's
#      RSS and bytes on disk; a follower kill -9'd and restarted after the first tenth (load paused) and after
#      the run, and one stopped for the second half and started after it, each timed to caught-up follower;
#   2. `raftkv-bench keys`: the key-count sweep, puts at 64 clients over each of SWEEP_KEYS keys (fresh
#      cluster per point, every key written once, then WARMUP + SWEEP_DURATION s of puts);
#   3. `raftkv-bench soak-report`: soak-summary.md (tables, ratios, targets met) and soak-*.png charts.
#
#   bench/soak.sh                                                   the full soak (about 1-2 h on 2 cores)
#   PUTS=100000 SWEEP_KEYS="1000 100000" SWEEP_DURATION=10 SWEEP_WARMUP=5 bench/soak.sh    a short smoke run
#
# Settings (environment): PUTS (1000000) CLIENTS (64) KEYS (100000) VALUE_SIZE (100) TENTHS (10)
# SWEEP_KEYS ("1000 100000 1000000"; "" = no sweep) SWEEP_DURATION (30) SWEEP_WARMUP (10)
# SOAK (1; 0 = sweep only) TARGETS ("raftorleans etcd") RESULTS (bench/results/soak-<time>)
# BASE_PORT (45000: silos 45111.., gateways 45001.., etcd clients 46379.., peers 46389..).
# Every process started here is stopped on exit, Ctrl+C included. Exit code 0 when every step ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

puts="${PUTS:-1000000}"
clients="${CLIENTS:-64}"
keys="${KEYS:-100000}"
value_size="${VALUE_SIZE:-100}"
tenths="${TENTHS:-10}"
sweep_keys="${SWEEP_KEYS-1000 100000 1000000}"
sweep_duration="${SWEEP_DURATION:-30}"
sweep_warmup="${SWEEP_WARMUP:-10}"
do_soak="${SOAK:-1}"
targets="${TARGETS:-raftorleans etcd}"
base="${BASE_PORT:-45000}"
results="${RESULTS:-bench/results/soak-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results" && results="$(cd "$results" && pwd)"
catch_up_deadline=600
# Generous bounds: the slowest rate seen so far (a few hundred puts/s) plus every catch-up deadline.
soak_timeout=$(( puts / 100 + 3 * catch_up_deadline + 900 ))

export BENCH_PIDS="$results/pids"
export BENCH_SILO_BIN="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
export BENCH_SILO_PORT=$((base + 111)) BENCH_GATEWAY_PORT=$((base + 1))
export BENCH_ETCD_CLIENT_PORT=$((base + 1379)) BENCH_ETCD_PEER_PORT=$((base + 1389))
bench_bin="$root/bench/RaftOrleans.Bench/bin/Release/net10.0/raftkv-bench"
members="$root/bench/members.sh"
mkdir -p "$BENCH_PIDS"
log="$results/soak.log"

source "$root/bench/bench-lib.sh"

# Starts a fresh 3-member cluster of $1 in data folder $2 and waits until it serves; sets $opts and $names.
start_cluster() {
  local target=$1 data=$2 i
  rm -rf "$data"; mkdir -p "$data"
  case "$target" in
    raftorleans)
      check_ports $BENCH_SILO_PORT $((BENCH_SILO_PORT + 1)) $((BENCH_SILO_PORT + 2)) $BENCH_GATEWAY_PORT $((BENCH_GATEWAY_PORT + 1)) $((BENCH_GATEWAY_PORT + 2))
      export BENCH_RAFT_DATA="$data"
      for i in 1 2 3; do "$members" silo "silo$i"; done
      opts=(--target raftorleans --data "$data" --cluster-id raftkv-bench --service-id raftkv-bench --timeout 5)
      member_opts=(--members silo1,silo2,silo3 --pid-file "$BENCH_PIDS/{name}.pid" --member-data "$data/{name}"
        --restart-command "$members silo {name}")
      ;;
    etcd)
      if ! command -v etcd >/dev/null; then
        say "etcd missing: installing Debian's etcd-server"
        apt-get install -y etcd-server >>"$log" 2>&1 || { apt-get update >>"$log" 2>&1 && apt-get install -y etcd-server >>"$log" 2>&1; }
      fi
      check_ports $BENCH_ETCD_CLIENT_PORT $((BENCH_ETCD_CLIENT_PORT + 1)) $((BENCH_ETCD_CLIENT_PORT + 2)) $BENCH_ETCD_PEER_PORT $((BENCH_ETCD_PEER_PORT + 1)) $((BENCH_ETCD_PEER_PORT + 2))
      export BENCH_ETCD_DIR="$data"
      for i in 1 2 3; do "$members" etcd "etcd$i"; done
      local endpoints="http://127.0.0.1:$BENCH_ETCD_CLIENT_PORT,http://127.0.0.1:$((BENCH_ETCD_CLIENT_PORT + 1)),http://127.0.0.1:$((BENCH_ETCD_CLIENT_PORT + 2))"
      opts=(--target etcd --endpoints "$endpoints" --timeout 5)
      member_opts=(--members etcd1,etcd2,etcd3 --pid-file "$BENCH_PIDS/{name}.pid" --member-data "$data/{name}"
        --restart-command "$members etcd {name}")
      ;;
    *) echo "unknown target '$target' in TARGETS" >&2; exit 2 ;;
  esac
  bench 200 wait "${opts[@]}" --deadline 180
}

say "results: $results"
say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "building Release (raftkv-silo, raftkv-bench)"
dotnet build silo/RaftOrleans.Silo/RaftOrleans.Silo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >>"$log"
dotnet build bench/RaftOrleans.Bench/RaftOrleans.Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >>"$log"

if [ "$do_soak" != 0 ]; then
  for target in $targets; do
    say "$target soak: $puts puts at $clients clients over $keys keys (data $results/$target-soak)"
    if start_cluster "$target" "$results/$target-soak"; then
      bench "$soak_timeout" soak "${opts[@]}" "${member_opts[@]}" --puts "$puts" --clients "$clients" --keys "$keys" \
        --value-size "$value_size" --tenths "$tenths" --catch-up-deadline "$catch_up_deadline" --out "$results" || true
    fi
    stop_members
  done
fi

for k in $sweep_keys; do
  for target in $targets; do
    say "$target key sweep: puts at $clients clients over $k keys"
    if start_cluster "$target" "$results/$target-keys-$k"; then
      bench $(( k / 100 + sweep_duration + sweep_warmup + 600 )) keys "${opts[@]}" "${member_opts[@]}" --keys "$k" --clients "$clients" \
        --value-size "$value_size" --duration "$sweep_duration" --warmup "$sweep_warmup" --out "$results" || true
    fi
    stop_members
    # The sweep's data is not needed after its point (a million keys are hundreds of MB per member); the logs stay.
    rm -rf "$results/$target-keys-$k"/silo[0-9] "$results/$target-keys-$k"/etcd[0-9]
  done
done

say "report"
"$bench_bin" soak-report --results "$results" | tee -a "$log"
if ((failed_steps > 0)); then say "$failed_steps step(s) failed: see $log"; exit 1; fi
