#!/usr/bin/env bash
# Runs SiemActors locally on the embedded default, in the foreground until Ctrl+C:
#   Redis and ClickHouse (Debian packages, installed when missing, on loopback), the embedded Kafka broker with the
#   pipeline's topics (siemctl kafka up), one node with every role, and the demo generator.
# Everything it starts, it stops on exit (by PID). Logs and state: .siem/
# Options (environment): SIEM_RATE (generator events/s, default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/.siem"
mkdir -p "$state"
rate=${SIEM_RATE:-2000}
pids=()

stop_all() {
  trap - EXIT INT TERM
  echo
  echo "== stopping"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    local pid=${pids[i]}
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
  done
  scripts/services.sh stop
}
trap stop_all EXIT INT TERM

echo "== services"
scripts/services.sh install
scripts/services.sh start

echo "== build (Release)"
dotnet build src/SiemActors.Node/SiemActors.Node.csproj -c Release -v quiet -nologo
dotnet build src/SiemActors.Cli/SiemActors.Cli.csproj -c Release -v quiet -nologo
siemctl="dotnet $root/src/SiemActors.Cli/bin/Release/net10.0/siemctl.dll"
node="dotnet $root/src/SiemActors.Node/bin/Release/net10.0/SiemActors.Node.dll"

echo "== embedded Kafka"
rm -f "$state/kafka.bootstrap"
$siemctl kafka up >"$state/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do [[ -s $state/kafka.bootstrap ]] && break; sleep 0.2; done
[[ -s $state/kafka.bootstrap ]] || { echo "the embedded broker did not start: see $state/kafka.log"; exit 1; }
cat "$state/kafka.log"

echo "== node"
$node >"$state/node.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -q "Ingest pipeline consuming" "$state/node.log" && break; sleep 0.2; done
grep -q "Ingest pipeline consuming" "$state/node.log" || { echo "the node did not start: see $state/node.log"; tail -20 "$state/node.log"; exit 1; }
echo "node up (log: $state/node.log)"

echo "== generator: $rate events/s"
$siemctl generate --rate "$rate" >"$state/generator.log" 2>&1 &
pids+=($!)

cat <<TXT

SiemActors is running. Look at:
  ClickHouse:  clickhouse-client --query "SELECT source, severity, count() FROM siem.siem_events FINAL GROUP BY source, severity ORDER BY source, severity"
  Redis:       redis-cli SMEMBERS siem:streams;  redis-cli XREVRANGE siem:stream:sshd + - COUNT 3
  Kafka:       kcat -b \$(cat .siem/kafka.bootstrap) -L
  Logs:        .siem/node.log  .siem/kafka.log  .siem/generator.log
Stop with Ctrl+C: the generator stops, the node drains and commits, then the broker and the services stop.
TXT
wait "${pids[1]}"
