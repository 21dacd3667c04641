#!/usr/bin/env bash
# Measures the local cluster on this machine (Release builds; run scripts/local-cluster.sh build first):
#   1. time from `local-cluster.sh start` to the first served request (fresh data, then reused data);
#   2. latency of one `raftkv get` process (start to exit), median of N;
#   3. with a write loop running, time from `kill -9` of a silo to the next successful write
#      (median of TRIALS), for the leader's silo and for each follower position.
# Usage: scripts/measure.sh   (TRIALS=5 GETS=10 BASE_SILO_PORT=21111 BASE_GATEWAY_PORT=31001 SKIP_LOCAL=0 KINDS="leader follower-low follower-high")
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
silo="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
client="$root/client/RaftOrleans.Client/bin/Release/net10.0/raftkv"
trials="${TRIALS:-5}"
gets="${GETS:-10}"
base_silo_port="${BASE_SILO_PORT:-21111}"
base_gateway_port="${BASE_GATEWAY_PORT:-31001}"
work="$(mktemp -d /tmp/raftkv-measure.XXXXXX)"
silo_pids=()

cleanup() {
  for pid in "${silo_pids[@]}"; do
    [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  RAFTKV_DATA="$work/local" "$root/scripts/local-cluster.sh" stop >/dev/null 2>&1 || true
  [[ -n "${shell_pid:-}" ]] && kill -KILL "$shell_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { echo "$EPOCHREALTIME"; }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

[[ -x "$silo" && -x "$client" ]] || { echo "build first: scripts/local-cluster.sh build" >&2; exit 1; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1 + 2: the local cluster as a user starts it (SKIP_LOCAL=1 skips to part 3).
local_args=(--base-silo-port "$base_silo_port" --base-gateway-port "$base_gateway_port")
runs=(fresh reused)
[[ "${SKIP_LOCAL:-0}" == 1 ]] && runs=()
for run in "${runs[@]}"; do
  t0="$(now)"
  RAFTKV_DATA="$work/local" "$root/scripts/local-cluster.sh" start "${local_args[@]}" >/dev/null
  "$client" --data "$work/local" set greeting hello >/dev/null
  t1="$(now)"
  echo "start -> first served write ($run data): $(elapsed_ms "$t0" "$t1") ms"
  if [[ $run == fresh ]]; then
    samples=()
    for _ in $(seq "$gets"); do
      t0="$(now)"; "$client" --data "$work/local" get greeting >/dev/null; t1="$(now)"
      samples+=("$(elapsed_ms "$t0" "$t1")")
    done
    echo "raftkv get, process start to exit: median $(printf '%s\n' "${samples[@]}" | median) ms (samples: ${samples[*]})"
  fi
  RAFTKV_DATA="$work/local" "$root/scripts/local-cluster.sh" stop >/dev/null
done

# 3: three `run` silos started here, so each can be killed and restarted on its own.
data="$work/failover"
start_silo() {
  local i=$1
  "$silo" run --name "silo$i" --silo-port $((base_silo_port + i - 1)) --gateway-port $((base_gateway_port + i - 1)) \
    --data "$data" >>"$work/silo$i.log" 2>&1 </dev/null &
  silo_pids[i]=$!
  disown "$!" # no "Killed" job notices: killing silos is the point here
}
status_json() { "$client" --data "$data" --json --timeout 5 status 2>/dev/null || true; }
silo_with_role() { status_json | grep -o "\"silo\":\"silo[0-9]*\",\"role\":\"$1\"" | grep -o 'silo[0-9][0-9]*' || true; }
healthy() {
  # Three reachable replicas, one leader, every replica applied up to the leader's commit.
  local s; s="$(status_json)"
  [[ "$(grep -o '"role":"Leader"' <<<"$s" | wc -l)" == 1 && "$(grep -o '"role":"Follower"' <<<"$s" | wc -l)" == 2 ]] || return 1
  local commits; commits="$(grep -o '"applied":[0-9]*' <<<"$s" | sort -u | wc -l)"
  [[ "$commits" == 1 ]]
}
wait_healthy() {
  local deadline=$((SECONDS + 120))
  until healthy; do
    if ((SECONDS >= deadline)); then
      echo "cluster not healthy after 120s:" >&2
      "$client" --data "$data" status >&2 || true
      for log in "$work"/silo*.log; do echo "--- $log (last lines)" >&2; tail -n 20 "$log" | cut -c1-400 >&2; done
      exit 1
    fi
    sleep 0.3
  done
}

for i in 1 2 3; do start_silo "$i"; done
wait_healthy

coproc SHELL_PROC { "$client" --data "$data" --json --timeout 15 shell 2>/dev/null; }
shell_pid=$SHELL_PROC_PID
write_seq=0
write_once() {
  write_seq=$((write_seq + 1))
  echo "set loop-$write_seq v$write_seq" >&"${SHELL_PROC[1]}"
  local line; read -r line <&"${SHELL_PROC[0]}"
  [[ "$line" == '{"ok":true'* ]]
}

# One trial: a write loop runs; after 1 s the chosen silo is killed with SIGKILL; the result is the
# time from the kill to the completion of the first successful write sent after it. Sets
# trial_result (no subshell: the restarted silo's pid must be kept).
trial() {
  local target="$1" index="${1#silo}"
  local kill_file="$work/kill-time"
  rm -f "$kill_file"
  ( sleep 1; kill -KILL "${silo_pids[index]}"; now >"$kill_file" ) &
  local killer=$!
  local deadline=$((SECONDS + 90)) sent
  trial_result=""
  while ((SECONDS < deadline)); do
    sent="$(now)"
    if write_once && [[ -s "$kill_file" ]] && awk -v s="$sent" -v k="$(cat "$kill_file")" 'BEGIN { exit !(s >= k) }'; then
      trial_result="$(elapsed_ms "$(cat "$kill_file")" "$(now)")"
      break
    fi
  done
  wait "$killer" || true
  start_silo "$index"
  wait_healthy
  [[ -n "$trial_result" ]] || { echo "no successful write within 90 s after killing $target" >&2; exit 1; }
}

for kind in ${KINDS:-leader follower-low follower-high}; do
  samples=()
  for _ in $(seq "$trials"); do
    case "$kind" in
      leader) target="$(silo_with_role Leader)" ;;
      follower-low) target="$(silo_with_role Follower | sort | head -1)" ;;
      follower-high) target="$(silo_with_role Follower | sort | tail -1)" ;;
    esac
    trial "$target"
    samples+=("$trial_result")
  done
  echo "kill -9 of the $kind silo ($target last) -> next successful write: median $(printf '%s\n' "${samples[@]}" | median) ms (samples: ${samples[*]})"
done
