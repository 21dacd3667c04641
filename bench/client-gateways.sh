#!/usr/bin/env bash
# How long one `raftkv get` takes when a listed gateway is dead or paused (issue #12).
# Starts three `raftkv-silo run` processes on loopback with a fresh data directory, then runs
# `raftkv --gateway g1 --gateway g2 --gateway g3 get KEY` N times in each of three phases:
#   healthy   all three silos up
#   killed    one follower's silo killed with SIGKILL (still listed)
#   paused    one follower's silo stopped with SIGSTOP (still listed; TCP still accepted)
# Followers, not the leader, are the victims: this measures the client reaching a live gateway, not
# Raft's failover. Prints each phase's median/min/max wall time, failures, and the ratio of each
# degraded median to the healthy one (target: <= 1.2).
#
#   bench/client-gateways.sh                 N=20 runs per phase
#   N=50 BASE_PORT=42000 TIMEOUT=30 bench/client-gateways.sh   (TIMEOUT: each command's --timeout)
# Needs the Release build (scripts/local-cluster.sh build) and jq.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
silo_bin="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
client_bin="$root/client/RaftOrleans.Client/bin/Release/net10.0/raftkv"
runs="${N:-20}"
base="${BASE_PORT:-$((40000 + RANDOM % 20000))}"
start_timeout="${START_TIMEOUT:-300}"
timeout="${TIMEOUT:-30}"
for bin in "$silo_bin" "$client_bin"; do
  [[ -x "$bin" ]] || { echo "not built: $bin (run scripts/local-cluster.sh build)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "jq is required" >&2; exit 2; }

data="$(mktemp -d /tmp/raftkv-client-gateways.XXXXXX)"
declare -a pids=() gateways=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -CONT "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

start_silo() { # index
  local i="$1"
  "$silo_bin" run --name "silo$i" --silo-port $((base + i - 1)) --gateway-port $((base + 10 + i - 1)) \
    --data "$data" >>"$data/silo$i.log" 2>&1 </dev/null &
  pids[$i]=$!
}

for i in 1 2 3; do
  start_silo "$i"
  gateways+=(--gateway "127.0.0.1:$((base + 10 + i - 1))")
done
kv() { "$client_bin" "${gateways[@]}" --timeout "$timeout" "$@"; }

wait_until() { # description, command...
  local what="$1"; shift
  local deadline=$((SECONDS + start_timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "timed out waiting until $what; status:" >&2
      kv status >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}
serves() { kv get bench-key >/dev/null 2>&1; local rc=$?; [[ $rc == 0 || $rc == 2 ]]; }
wait_until "the cluster serves a read" serves
kv set bench-key bench-value >/dev/null

follower_silo() { # a silo index whose replica is a follower, other than $1
  kv --json status | jq -r --arg not "silo${1:-none}" \
    '[.replicas[] | select(.role == "Follower" and .silo != $not and .error == null) | .silo][0] // empty' | tr -dc '0-9'
}

declare -A median
measure() { # phase
  local phase="$1" times=() failures=0
  for ((r = 0; r < runs; r++)); do
    local t0 t1 rc=0
    t0=$(date +%s%N)
    kv get bench-key >/dev/null 2>"$data/last.err" || rc=$?
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
    if [[ $rc != 0 ]]; then
      failures=$((failures + 1))
      echo "  $phase run $r: exit $rc: $(cat "$data/last.err")" >&2
    fi
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local med min max
  med=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2) { a = $1 } NR == int(n / 2) + 1 { b = $1 } END { printf "%d", (n % 2) ? a : (a + b) / 2 }')
  min=$(echo "$sorted" | head -n1)
  max=$(echo "$sorted" | tail -n1)
  median[$phase]=$med
  printf '%-8s runs=%d median=%d ms min=%d ms max=%d ms failures=%d\n' "$phase" "$runs" "$med" "$min" "$max" "$failures"
}

echo "raftkv get through 3 listed gateways (ports $((base + 10))-$((base + 12))), $runs runs per phase"
measure healthy

victim="$(follower_silo)"
[[ -n "$victim" ]] || { echo "no follower found" >&2; kv status >&2; exit 1; }
kill -KILL "${pids[$victim]}"
wait "${pids[$victim]}" 2>/dev/null || true
echo "killed silo$victim (a follower)"
measure killed

start_silo "$victim"
rejoined() { kv --json status | jq -e --arg s "silo$victim" '.replicas[] | select(.silo == $s and .error == null and .role == "Follower")' >/dev/null; }
wait_until "silo$victim rejoins as a follower" rejoined
paused="$(follower_silo)"
[[ -n "$paused" ]] || { echo "no follower found" >&2; kv status >&2; exit 1; }
kill -STOP "${pids[$paused]}"
echo "paused silo$paused (a follower) with SIGSTOP"
measure paused
kill -CONT "${pids[$paused]}"

for phase in killed paused; do
  awk -v d="${median[$phase]}" -v h="${median[healthy]}" -v p="$phase" \
    'BEGIN { printf "ratio %s/healthy = %.2f (target <= 1.20)\n", p, d / h }'
done
