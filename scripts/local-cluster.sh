#!/usr/bin/env bash
# Runs a local 3-silo RaftOrleans cluster in the background.
#
#   scripts/local-cluster.sh start [extra raftkv-silo local options]   returns once the cluster serves
#   scripts/local-cluster.sh stop                                      graceful stop (SIGTERM), then waits
#   scripts/local-cluster.sh status                                    process state + replica table
#   scripts/local-cluster.sh build                                     (re)build silo and client, Release
#
# Data, pid file (local.pid) and log (local.log) live in $RAFTKV_DATA (default ./.raftkv);
# starting again reuses the data. Exit codes: 0 ok, 1 failed, 3 (status) not running.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${RAFTKV_DATA:-./.raftkv}"
pid_file="$data/local.pid"
log_file="$data/local.log"
silo_bin="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
start_timeout="${RAFTKV_START_TIMEOUT:-120}"
stop_timeout="${RAFTKV_STOP_TIMEOUT:-40}"
serving_marker="raftkv local cluster is serving"

build() {
  echo "building raftkv-silo and raftkv (Release)..." >&2
  dotnet build "$root/silo/RaftOrleans.Silo/RaftOrleans.Silo.csproj" -c Release -nologo -v quiet >&2
  dotnet build "$root/client/RaftOrleans.Client/RaftOrleans.Client.csproj" -c Release -nologo -v quiet >&2
}

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if pid="$(running_pid)"; then
    echo "already running (pid $pid); log: $log_file"
    return 0
  fi
  [[ -x "$silo_bin" ]] || build
  mkdir -p "$data"
  : >"$log_file"
  # setsid: the cluster outlives this shell and ignores its terminal's Ctrl+C.
  setsid "$silo_bin" local --data "$data" "$@" >>"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  local deadline=$((SECONDS + start_timeout))
  while ((SECONDS < deadline)); do
    if grep -q "$serving_marker" "$log_file"; then
      sed -n "/$serving_marker/,/stop:/p" "$log_file"
      echo "  log:  $log_file"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the local cluster exited before serving; last log lines:" >&2
      tail -n 30 "$log_file" >&2
      rm -f "$pid_file"
      return 1
    fi
    sleep 0.2
  done
  echo "the cluster did not serve within ${start_timeout}s; stopping it. Last log lines:" >&2
  tail -n 30 "$log_file" >&2
  stop >&2
  return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "not running"
    rm -f "$pid_file"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "still running after ${stop_timeout}s; killing pid $pid (its silos stop when it dies)" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  echo "stopped"
}

status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "not running"
    return 3
  fi
  echo "running (pid $pid, data $data, log $log_file)"
  "$root/scripts/raftkv" --data "$data" status
}

command="${1:-}"
[[ $# -gt 0 ]] && shift
case "$command" in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  build) build ;;
  *) echo "usage: $0 start|stop|status|build" >&2; exit 1 ;;
esac
