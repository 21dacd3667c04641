#!/usr/bin/env bash
# Runs every test of the solution (the README's test command; .ci/run runs exactly this).
# dotnet test prints no "N passed, N failed" line, so this sums the TRX result files.
# Extra arguments go to `dotnet test` (for example: --filter "FullyQualifiedName~Simulation").
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="${RAFTKV_TEST_RESULTS:-$PWD/TestResults}"
rm -rf "$results" && mkdir -p "$results"
export RAFT_SIM_SUMMARY_FILE="$results/summary.txt"

# A private PostgreSQL server for the PostgreSQL-backed tests (scripts/postgres.sh), stopped on any exit.
source scripts/postgres.sh
trap raftkv_postgres_stop EXIT
trap "exit 130" INT TERM  # make signals run the EXIT trap, so the server never outlives us
raftkv_postgres_start || { echo "0 passed, 1 failed (could not start PostgreSQL; see above)"; exit 1; }

dotnet build RaftOrleans.sln -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed (build failed)"; exit 1; }
# Every package (one version, Directory.Build.props) into a local folder feed, emptied first so no package of an
# earlier version lingers; tests/RaftOrleans.Packaging.Tests builds and runs the sample and the tools from it.
export RAFTKV_PACKAGE_FEED="$PWD/artifacts/packages"
rm -rf "$RAFTKV_PACKAGE_FEED"
dotnet pack RaftOrleans.sln -c Release --no-build -nologo -clp:ErrorsOnly -o "$RAFTKV_PACKAGE_FEED" \
  || { echo "0 passed, 1 failed (pack failed)"; exit 1; }
# One test project at a time: each starts Orleans clusters, and two at once on 2 cores starve
# each other's timers (false silo deaths, spurious elections).
status=0
for project in tests/*/*.Tests.csproj bench/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" \
    || status=$?
done

[ -f "$RAFT_SIM_SUMMARY_FILE" ] && cat "$RAFT_SIM_SUMMARY_FILE"
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a crashed test host counts as a failure
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $status
