#!/usr/bin/env bash
# The cost of telemetry export (issue 16, "Measure"): three raftkv-silo processes on loopback, puts at 64 clients,
# with export off and on, alternating (off, on, off, on, ...) so both see the same machine:
#   off: the silos' defaults (instruments exist, nothing listens);
#   on:  --health-port + Telemetry:Prometheus, scraped every 5 s on every silo, and Telemetry:OtlpEndpoint pushing
#        metrics every 5 s and every request's spans (OTLP over HTTP) to a sink on loopback that answers 200.
# Each round starts from empty data. Prints and writes telemetry-summary.md: ops/s and p99 per round, the mean of
# each mode and the ratio on/off.
#
#   bench/telemetry.sh                      2 rounds of each, 30 s each (about 6 minutes on 2 cores)
#   ROUNDS=3 SECONDS_PER_ROUND=60 bench/telemetry.sh
#
# Settings (environment): ROUNDS (2) SECONDS_PER_ROUND (30) CLIENTS (64) KEYS (1000) RESULTS
# (bench/results/telemetry-<time>) BASE_PORT (48500). Every process started here is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rounds="${ROUNDS:-2}"
seconds="${SECONDS_PER_ROUND:-30}"
clients="${CLIENTS:-64}"
keys="${KEYS:-1000}"
base="${BASE_PORT:-48500}"
results="${RESULTS:-bench/results/telemetry-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results" && results="$(cd "$results" && pwd)"
export BENCH_PIDS="$results/pids"
mkdir -p "$BENCH_PIDS"
log="$results/telemetry.log"
silo_bin="$root/silo/RaftOrleans.Silo/bin/Release/net10.0/raftkv-silo"
bench_bin="$root/bench/RaftOrleans.Bench/bin/Release/net10.0/raftkv-bench"
summary="$results/telemetry-summary.md"
source "$root/bench/bench-lib.sh"
sink_port=$((base + 99))
check_ports $((base + 1)) $((base + 2)) $((base + 3)) $((base + 111)) $((base + 112)) $((base + 113)) $((base + 51)) $((base + 52)) $((base + 53)) "$sink_port"

say "results: $results; $rounds rounds per mode, ${seconds}s each, $clients clients over $keys keys"
say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "building Release (raftkv-silo, raftkv-bench)"
for p in silo/RaftOrleans.Silo bench/RaftOrleans.Bench; do
  dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly >>"$log"
done

# The OTLP sink: answers every push 200 and counts the bytes it received.
python3 - "$sink_port" "$results/otlp-bytes" >>"$log" 2>&1 <<'PY' &
import http.server, sys
port, out = int(sys.argv[1]), sys.argv[2]
total = [0]
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        total[0] += len(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        open(out, "w").write(str(total[0]))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
PY
echo $! >"$BENCH_PIDS/otlp-sink.pid"

run_round() { # mode round
  local mode=$1 round=$2 data="$results/data-$1-$2" i args scraper=""
  mkdir -p "$data"
  for i in 1 2 3; do
    args=()
    if [ "$mode" = on ]; then
      args=(--health-port $((base + 50 + i)) --Telemetry:Prometheus=true
        "--Telemetry:OtlpEndpoint=http://127.0.0.1:$sink_port/v1/metrics" --Telemetry:OtlpProtocol=http/protobuf
        --Telemetry:OtlpExportInterval=00:00:05)
    fi
    "$silo_bin" run --name "silo$i" --silo-port $((base + 110 + i)) --gateway-port $((base + i)) --data "$data" "${args[@]}" \
      >>"$data/silo$i.log" 2>&1 </dev/null &
    echo $! >"$BENCH_PIDS/silo$i.pid"
  done
  bench 200 wait --target raftorleans --data "$data" --timeout 5 --deadline 180
  if [ "$mode" = on ]; then
    (while true; do for i in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$((base + 50 + i))/metrics" || true; done; sleep 5; done) &
    scraper=$!
  fi
  bench $((seconds + 120)) run --target raftorleans --data "$data" --timeout 5 --workload put --clients "$clients" --keys "$keys" \
    --duration "$seconds" --warmup 5 --label "telemetry $mode round $round" --out "$results/$mode-$round" || true
  [ -n "$scraper" ] && kill "$scraper" 2>/dev/null || true
  for i in 1 2 3; do
    pid="$(cat "$BENCH_PIDS/silo$i.pid")"; rm -f "$BENCH_PIDS/silo$i.pid"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$data"
}

for round in $(seq 1 "$rounds"); do
  for mode in off on; do
    say "round $round: telemetry $mode"
    run_round "$mode" "$round"
  done
done

python3 - "$results" "$rounds" >"$summary" <<'PY'
import glob, json, sys
results, rounds = sys.argv[1], int(sys.argv[2])
def one(mode, r):
    files = glob.glob(f"{results}/{mode}-{r}/*.json")
    if not files: return None
    d = json.load(open(files[0]))
    return d["opsPerSecond"], d["latencyMs"]["p99"]
print("# Telemetry export off vs on: puts, one table per run\n")
print("| round | off ops/s | off p99 ms | on ops/s | on p99 ms |")
print("| ---: | ---: | ---: | ---: | ---: |")
means = {"off": [], "on": []}
for r in range(1, rounds + 1):
    off, on = one("off", r), one("on", r)
    for mode, v in (("off", off), ("on", on)):
        if v: means[mode].append(v)
    cell = lambda v: f"{v[0]:,.0f} | {v[1]:.2f}" if v else "? | ?"
    print(f"| {r} | {cell(off)} | {cell(on)} |")
if means["off"] and means["on"]:
    mo = sum(v[0] for v in means["off"]) / len(means["off"]); mn = sum(v[0] for v in means["on"]) / len(means["on"])
    po = sum(v[1] for v in means["off"]) / len(means["off"]); pn = sum(v[1] for v in means["on"]) / len(means["on"])
    print(f"\nMean: off {mo:,.0f} ops/s, p99 {po:.2f} ms; on {mn:,.0f} ops/s, p99 {pn:.2f} ms; on/off throughput {mn / mo:.2f}x, p99 {pn / po:.2f}x")
PY
bytes=$(cat "$results/otlp-bytes" 2>/dev/null || echo 0)
echo "" >>"$summary"; echo "OTLP bytes received by the sink over all 'on' rounds: $bytes" >>"$summary"
say "summary"
tee -a "$log" <"$summary"
if ((failed_steps > 0)); then say "$failed_steps step(s) failed: see $log"; exit 1; fi
