#!/usr/bin/env bash
# Replacing a dead member (issue 13, "Measure"), RaftOrleans and etcd one after the other, each from empty data
# on loopback: a 3-member cluster is loaded with KEYS keys, a steady put load starts, one follower is killed
# (kill -9: a host gone for good), and the operator replaces it by hand:
#   RaftOrleans: `raftkv member add silo4 --learner` (filled by InstallSnapshot), `raftkv member promote 4`
#                (asked again until it has caught up), then `raftkv member remove` of the dead one;
#   etcd:        `etcdctl member remove`, `etcdctl member add etcd4`, start etcd4 with --initial-cluster-state existing.
# Reported per target: seconds from the kill to the replacement holding everything (applied index equal to the
# leader's commit), the seconds each step took, and the put load's throughput and failed operations during it.
# The target raftorleans-healing makes no command at all: its silos run with a short self-healing grace period
# (GRACE, default 10 s) and the leader replaces the dead member with silo4 by itself; reported are the seconds from
# the kill to the learner's addition (Orleans declaring the silo dead + the grace), to its promotion, to the
# removal of the dead member, and to the replacement holding everything.
#
#   bench/replace.sh                          100,000 keys (about 7 minutes on 2 cores)
#   KEYS=10000 LOAD_SECONDS=30 bench/replace.sh
#   TARGETS=raftorleans-healing bench/replace.sh
#
# Settings (environment): KEYS (100000) VALUE_SIZE (100) LOAD_CLIENTS (8) LOAD_SECONDS (60) TARGETS
# ("raftorleans raftorleans-healing etcd") GRACE (10, seconds) RESULTS (bench/results/replace-<time>) BASE_PORT (47500). Every process started here is
# stopped on exit. Writes replace-summary.md in the results folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

keys="${KEYS:-100000}"
value_size="${VALUE_SIZE:-100}"
load_clients="${LOAD_CLIENTS:-8}"
load_seconds="${LOAD_SECONDS:-60}"
targets="${TARGETS:-raftorleans raftorleans-healing etcd}"
grace="${GRACE:-10}"
base="${BASE_PORT:-47500}"
results="${RESULTS:-bench/results/replace-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results" && results="$(cd "$results" && pwd)"
export BENCH_PIDS="$results/pids"
mkdir -p "$BENCH_PIDS"
log="$results/replace.log"
silo_bin="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
raftkv_bin="$root/client/RaftOrleans.Client/bin/Release/net10.0/raftkv"
bench_bin="$root/bench/RaftOrleans.Bench/bin/Release/net10.0/raftkv-bench"
summary="$results/replace-summary.md"
source "$root/bench/bench-lib.sh"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

start_silo() { # name index data [configuration arguments...]
  "$silo_bin" run --name "$1" --silo-port $((base + 110 + $2)) --gateway-port $((base + $2)) --data "$3" "${@:4}" \
    >>"$3/$1.log" 2>&1 </dev/null &
  echo $! >"$BENCH_PIDS/$1.pid"
}

start_etcd() { # name index data initial-cluster state
  local client="http://127.0.0.1:$((base + 1380 + $2))" peer="http://127.0.0.1:$((base + 1390 + $2))"
  etcd --name "$1" --data-dir "$3/$1" --listen-client-urls "$client" --advertise-client-urls "$client" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "$4" --initial-cluster-token raftkv-replace --initial-cluster-state "$5" \
    >>"$3/$1.log" 2>&1 </dev/null &
  echo $! >"$BENCH_PIDS/$1.pid"
}

# Polls "$@" (a command) every 0.1 s until it succeeds or $deadline seconds pass; fails then.
until_ok() {
  local deadline=$1; shift
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start > deadline)); then say "timed out after ${deadline}s: $*"; return 1; fi
    sleep 0.1
  done
}

# True when replica 4 has applied the leader's commit index (raftkv --json status).
raft_caught_up() {
  "$raftkv_bin" --data "$1" --json status | python3 -c '
import json, sys
rs = json.load(sys.stdin)["replicas"]
leader = [r for r in rs if r["role"] == "Leader"]
four = [r for r in rs if r["replica"] == 4]
sys.exit(0 if leader and four and four[0]["applied"] >= leader[0]["commit"] else 1)'
}

# The group's members as "id:role ..." (raftkv --json member list), empty when the command fails.
raft_members() {
  "$raftkv_bin" --data "$1" --json member list 2>/dev/null | python3 -c '
import json, sys
print(" ".join("%d:%s" % (m["replica"], m["role"]) for m in json.load(sys.stdin)["members"]))' 2>/dev/null || true
}

# True when etcd4's applied raft index has reached the leader's raft index.
etcd_caught_up() {
  etcdctl --endpoints "$1" endpoint status -w json | python3 -c '
import json, sys
st = json.load(sys.stdin)
leader_id = st[0]["Status"]["leader"]
leader = [s for s in st if s["Status"]["header"]["member_id"] == leader_id]
four = [s for s in st if s["Endpoint"].endswith(sys.argv[1])]
sys.exit(0 if leader and four and four[0]["Status"]["raftAppliedIndex"] >= leader[0]["Status"]["raftIndex"] - 5 else 1)' "$2"
}

# The put load in the background for $load_seconds; its JSON result goes to $results/$1-load.
start_load() { # label target-options...
  local label=$1; shift
  timeout $((load_seconds + 120)) "$bench_bin" run "$@" --workload put --clients "$load_clients" --keys "$keys" \
    --value-size "$value_size" --duration "$load_seconds" --warmup 0 --label "$label during replace" --out "$results/$label-load" \
    >>"$log" 2>&1 &
  load_pid=$!
}

say "results: $results; $keys keys, load $load_clients clients for ${load_seconds}s"
say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "building Release (raftkv-silo, raftkv, raftkv-bench)"
for p in silo/RaftOrleans.Silo client/RaftOrleans.Client bench/RaftOrleans.Bench; do
  dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly >>"$log"
done
echo "# Replacing a dead member: $keys keys, $load_clients put clients" >"$summary"
echo "" >>"$summary"
echo "| target | kill to fully replicated (s) | steps (s) | puts/s during | failed puts | p99 ms |" >>"$summary"
echo "| --- | ---: | --- | ---: | ---: | ---: |" >>"$summary"

load_stats() { # folder -> "ops/s failed p99-ms"
  python3 - "$1" <<'EOF'
import json, sys, glob
files = glob.glob(sys.argv[1] + "/*.json")
if not files: print("? ? ?"); sys.exit()
r = json.load(open(files[0]))
print(f'{r["opsPerSecond"]:.0f} {r["errors"]} {r["latencyMs"]["p99"]:.0f}')
EOF
}

for target in $targets; do
  data="$results/$target"
  rm -rf "$data"; mkdir -p "$data"
  case "$target" in
    raftorleans | raftorleans-healing)
      silo_args=(--RaftKeyValue:SelfHealing=false)
      [ "$target" = raftorleans ] || silo_args=("--RaftKeyValue:SelfHealingGracePeriod=00:00:$(printf %02d "$grace")")
      for i in 1 2 3 4; do start_silo "silo$i" "$i" "$data" "${silo_args[@]}"; done
      opts=(--target raftorleans --data "$data" --timeout 5)
      bench 200 wait "${opts[@]}" --deadline 180
      say "raftorleans: loading $keys keys"
      bench $((keys / 100 + 600)) keys "${opts[@]}" --keys "$keys" --clients 64 --value-size "$value_size" --duration 1 --warmup 0 --out "$results/raftorleans-preload"
      # The victim is a follower (the highest-numbered one): a leader's death would add an election to the replace.
      victim=$("$raftkv_bin" --data "$data" --json status | python3 -c '
import json, sys
print(max(r["replica"] for r in json.load(sys.stdin)["replicas"] if r["role"] == "Follower"))')
      # The load goes through the other silos' gateways (as etcd's goes to the other members): the victim's clients
      # would fail with its connections, which measures the client library, not the replace.
      gateways=()
      for i in 1 2 3; do [ "$i" = "$victim" ] || gateways+=(--gateway "127.0.0.1:$((base + i))"); done
      start_load "$target" --target raftorleans "${gateways[@]}" --timeout 5
      step=$(now); "$raftkv_bin" --data "$data" member list >/dev/null; overhead=$(since "$step")
      sleep 5 # the load's first seconds run on the healthy cluster
      killed=$(now)
      kill -KILL "$(cat "$BENCH_PIDS/silo$victim.pid")"; rm -f "$BENCH_PIDS/silo$victim.pid"
      if [ "$target" = raftorleans-healing ]; then
        say "raftorleans-healing: silo$victim killed; the leader replaces it by itself (grace ${grace}s)"
        added="" promoted="" removed=""
        while true; do
          members=$(raft_members "$data")
          [ -n "$members" ] && echo "$(since "$killed")s members: $members" >>"$log"
          [[ -z "$added" && " $members " == *" 4:"* ]] && added=$(since "$killed")
          [[ -z "$promoted" && " $members " == *" 4:voter "* ]] && promoted=$(since "$killed")
          if [[ -n "$promoted" && " $members " != *" $victim:"* ]]; then removed=$(since "$killed"); break; fi
          if (( $(awk -v t="$(since "$killed")" 'BEGIN { print (t > 300) }') )); then say "timed out: the group did not replace silo$victim"; failed_steps=$((failed_steps + 1)); break; fi
          sleep 0.2
        done
        until_ok 300 raft_caught_up "$data"
        total=$(since "$killed")
        steps="learner added at ${added:-?}, promoted at ${promoted:-?}, dead member removed at ${removed:-?} (grace ${grace}); polled with raftkv member list, ${overhead} a command"
      else
      say "raftorleans: silo$victim killed; replacing it with silo4"
      # Add as a learner, then promote: each command's leader-side deadline is the gateway's request timeout
      # (10 s), so the promotion is asked again until the learner has installed the snapshot and caught up.
      step=$(now)
      "$raftkv_bin" --data "$data" --timeout 60 member add silo4 --learner | tee -a "$log"
      until_ok 300 "$raftkv_bin" --data "$data" --timeout 30 member promote 4
      add_s=$(since "$step")
      step=$(now); "$raftkv_bin" --data "$data" --timeout 60 member remove "$victim" | tee -a "$log"; remove_s=$(since "$step")
      until_ok 300 raft_caught_up "$data"
      total=$(since "$killed")
      steps="member add --learner + promote ${add_s}, member remove ${remove_s}; one raftkv command alone (member list) ${overhead}"
      fi
      ;;
    etcd)
      if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
        say "etcd missing: installing Debian's etcd-server and etcd-client"
        apt-get install -y etcd-server etcd-client >>"$log" 2>&1 || { apt-get update >>"$log" 2>&1 && apt-get install -y etcd-server etcd-client >>"$log" 2>&1; }
      fi
      initial=""
      for i in 1 2 3; do initial+="${initial:+,}etcd$i=http://127.0.0.1:$((base + 1390 + i))"; done
      for i in 1 2 3; do start_etcd "etcd$i" "$i" "$data" "$initial" new; done
      every="http://127.0.0.1:$((base + 1381)),http://127.0.0.1:$((base + 1382)),http://127.0.0.1:$((base + 1383))"
      opts=(--target etcd --endpoints "$every" --timeout 5)
      bench 200 wait "${opts[@]}" --deadline 180
      say "etcd: loading $keys keys"
      bench $((keys / 100 + 600)) keys "${opts[@]}" --keys "$keys" --clients 64 --value-size "$value_size" --duration 1 --warmup 0 --out "$results/etcd-preload"
      export ETCDCTL_API=3
      # The victim is a follower (the highest-numbered one), as for RaftOrleans; the load uses the other two.
      victim=$(etcdctl --endpoints "$every" endpoint status -w json | python3 -c '
import json, sys
st = json.load(sys.stdin)
print(max(int(s["Endpoint"][-1]) for s in st if s["Status"]["header"]["member_id"] != s["Status"]["leader"]))')
      survivors=""
      for i in 1 2 3; do [ "$i" = "$victim" ] || survivors+="${survivors:+,}http://127.0.0.1:$((base + 1380 + i))"; done
      start_load etcd --target etcd --endpoints "$survivors" --timeout 5
      step=$(now); etcdctl --endpoints "$survivors" member list >/dev/null; overhead=$(since "$step")
      sleep 5
      killed=$(now)
      kill -KILL "$(cat "$BENCH_PIDS/etcd$victim.pid")"; rm -f "$BENCH_PIDS/etcd$victim.pid"
      say "etcd: etcd$victim killed; replacing it with etcd4"
      step=$(now)
      id=$(etcdctl --endpoints "$survivors" member list -w json | python3 -c '
import json, sys
print([format(m["ID"], "x") for m in json.load(sys.stdin)["members"] if m["name"] == sys.argv[1]][0])' "etcd$victim")
      etcdctl --endpoints "$survivors" member remove "$id" | tee -a "$log"; remove_s=$(since "$step")
      step=$(now)
      etcdctl --endpoints "$survivors" member add etcd4 --peer-urls "http://127.0.0.1:$((base + 1394))" | tee -a "$log"
      cluster4=""
      for i in 1 2 3 4; do [ "$i" = "$victim" ] || cluster4+="${cluster4:+,}etcd$i=http://127.0.0.1:$((base + 1390 + i))"; done
      start_etcd etcd4 4 "$data" "$cluster4" existing
      add_s=$(since "$step")
      all="$survivors,http://127.0.0.1:$((base + 1384))"
      until_ok 300 etcd_caught_up "$all" ":$((base + 1384))"
      total=$(since "$killed")
      steps="member remove ${remove_s}, member add + start ${add_s}; one etcdctl command alone (member list) ${overhead}"
      ;;
    *) echo "unknown target '$target' in TARGETS" >&2; exit 2 ;;
  esac
  say "$target: kill to fully replicated replacement ${total}s ($steps)"
  wait "$load_pid" || true
  read -r ops failed p99 < <(load_stats "$results/$target-load")
  echo "| $target | $total | $steps | $ops | $failed | $p99 |" >>"$summary"
  stop_members
done

say "summary"
tee -a "$log" <"$summary"
if ((failed_steps > 0)); then say "$failed_steps step(s) failed: see $log"; exit 1; fi
