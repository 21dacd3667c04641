# Shared helpers of the benchmark scripts (bench/run.sh, bench/soak.sh), sourced after they set
# $log (the run's log file), $BENCH_PIDS (the folder of member pid files) and $bench_bin (raftkv-bench).
# Sourcing installs an EXIT trap that stops every member the script started.

say() { echo "== $*" | tee -a "$log" >&2; }

# Stops every process whose pid file is in $BENCH_PIDS: SIGTERM, up to 15 s, then SIGKILL.
stop_members() {
  local pids=() f pid
  for f in "$BENCH_PIDS"/*.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"; rm -f "$f"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && { kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); }
  done
  local deadline=$((SECONDS + 15))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_members
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
check_ports() {
  local p
  for p in "$@"; do
    if port_busy "$p"; then echo "port $p on 127.0.0.1 is in use; set BASE_PORT to another range" >&2; exit 1; fi
  done
}

failed_steps=0
# One bounded step of the benchmark; a failed step is reported and counted, and the run goes on.
bench() {
  local code=0
  # stderr goes to the log too: a failed step's reason must be on record.
  if ! timeout --kill-after=10 "$1" "$bench_bin" "${@:2}" 2> >(tee -a "$log" >&2) | tee -a "$log"; then
    code=${PIPESTATUS[0]}
  fi
  if [ "$code" != 0 ]; then
    failed_steps=$((failed_steps + 1))
    say "FAILED (exit $code$( [ "$code" -gt 128 ] && echo ", signal $((code - 128))")): raftkv-bench ${*:2}"
    return 1
  fi
}

