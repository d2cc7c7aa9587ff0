#!/usr/bin/env bash
# Runs one siem-bench scenario on the embedded default with what it needs: installs and starts Redis, ClickHouse and
# kcat from Debian like scripts/test.sh, builds the harness and the node in Release, runs
# `siem-bench SCENARIO [options]`, and stops the services it started (ones already running are left running).
# scripts/bench.sh (run) and scripts/fuzz.sh (fuzz) are this with their scenario.
# Usage: scripts/siem-bench.sh SCENARIO [options]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh install
started=no
if ! curl -sf http://127.0.0.1:8123/ping >/dev/null; then
  started=yes
  trap 'scripts/services.sh stop' EXIT
fi
scripts/services.sh start

dotnet restore bench/SiemActors.Bench
dotnet build bench/SiemActors.Bench -c Release --no-restore -warnaserror
dotnet bench/SiemActors.Bench/bin/Release/net10.0/siem-bench.dll "$@"
[ "$started" = yes ] || echo "siem-bench: Redis and ClickHouse were already running; left running"
