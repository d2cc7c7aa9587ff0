#!/usr/bin/env bash
# Runs SiemActors locally on the embedded default, in the foreground until Ctrl+C:
#   Redis and ClickHouse (Debian packages, installed when missing, on loopback), the embedded Kafka broker with the
#   pipeline's topics (siemctl kafka up), one node with every role, and the demo generator.
#   It also builds the web UI (npm ci, npm run build in web/) and prints a link that signs the browser in.
# Everything it starts, it stops on exit (by PID). Logs and state: .siem/
# Options (environment):
#   SIEM_RATE         generator events/s (default 2000)
#   SIEM_HTTP_PORT    the node's HTTP port: UI, hub, API (default siem.api.http.port: 8080)
#   SIEM_NODE_PORT    the node's remoting port (default siem.node.port: 4053)
#   SIEM_METRICS_PORT Prometheus /metrics port (default siem.metrics.port: 9090; 0: on the HTTP port)
#   SIEM_STATE_DIR    logs and state (default .siem/)
#   SIEM_SERVICES     "external": use the Redis and ClickHouse already running, do not install, start or stop them
#   SIEM_NO_BUILD     1: use what is already built (the browser test runs this script after scripts/test.sh built all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state=${SIEM_STATE_DIR:-$root/.siem}
mkdir -p "$state"
rate=${SIEM_RATE:-2000}
services=${SIEM_SERVICES:-local}
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
  [[ $services == external ]] || scripts/services.sh stop
}
trap stop_all EXIT INT TERM

if [[ $services != external ]]; then
  echo "== services"
  scripts/services.sh install
  scripts/services.sh start
fi

if [[ ${SIEM_NO_BUILD:-0} != 1 ]]; then
  echo "== web UI (npm ci, npm run build)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
  echo "== build (Release)"
  dotnet build src/SiemActors.Node/SiemActors.Node.csproj -c Release -v quiet -nologo
  dotnet build src/SiemActors.Cli/SiemActors.Cli.csproj -c Release -v quiet -nologo
fi
siemctl="dotnet $root/src/SiemActors.Cli/bin/Release/net10.0/siemctl.dll"
node="dotnet $root/src/SiemActors.Node/bin/Release/net10.0/SiemActors.Node.dll"

echo "== embedded Kafka"
rm -f "$state/kafka.bootstrap"
$siemctl --state-dir "$state" kafka up >"$state/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do [[ -s $state/kafka.bootstrap ]] && break; sleep 0.2; done
[[ -s $state/kafka.bootstrap ]] || { echo "the embedded broker did not start: see $state/kafka.log"; exit 1; }
cat "$state/kafka.log"

# The embedded broker starts an empty log: its offsets begin at 0 again. The exactly-once records (the ClickHouse
# batch ledger, the Redis high-water marks and log epochs, the detection entities' applied offsets in
# siem:persistence:*) describe the previous run's log. The node would see a new log by itself only where the new one
# ends below the old marks (docs/reliability.md); this script knows, so it clears them for the default database and
# key prefix. The events and the alerts stay.
clickhouse-client --port "${SIEM_CLICKHOUSE_TCP_PORT:-9000}" --query "TRUNCATE TABLE IF EXISTS siem.siem_events_ledger" 2>/dev/null || true
redis-cli -p "${SIEM_REDIS_PORT:-6379}" DEL siem:offsets siem:log-epochs >/dev/null 2>&1 || true
redis-cli -p "${SIEM_REDIS_PORT:-6379}" --scan --pattern 'siem:persistence:*' 2>/dev/null \
  | xargs -r -n 1000 redis-cli -p "${SIEM_REDIS_PORT:-6379}" UNLINK >/dev/null 2>&1 || true

# The node's overrides for this run: where the broker is, the ports, the JWT secret file in the state folder.
cat >"$state/node.conf" <<CONF
siem.kafka.bootstrap-servers = "$(cat "$state/kafka.bootstrap")"
siem.api.auth.secret-file = "$state/jwt.secret"
siem.management.token-file = "$state/management.token"
${SIEM_HTTP_PORT:+siem.api.http.port = $SIEM_HTTP_PORT}
${SIEM_NODE_PORT:+siem.node.port = $SIEM_NODE_PORT}
${SIEM_METRICS_PORT:+siem.metrics.port = $SIEM_METRICS_PORT}
CONF

echo "== node"
$node --config "$state/node.conf" >"$state/node.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -q "Ingest pipeline consuming" "$state/node.log" && break; sleep 0.2; done
grep -q "Ingest pipeline consuming" "$state/node.log" || { echo "the node did not start: see $state/node.log"; tail -20 "$state/node.log"; exit 1; }
url=$(grep -o 'HTTP listening on http://[^ ,]*' "$state/node.log" | head -1 | sed 's/HTTP listening on //')
echo "$url" >"$state/node.url" # siemctl's default --node
echo "node up at $url (log: $state/node.log)"

echo "== generator: $rate events/s"
$siemctl --state-dir "$state" generate --rate "$rate" >"$state/generator.log" 2>&1 &
pids+=($!)

token=$($siemctl token --user analyst --secret-file "$state/jwt.secret")
cat <<TXT

SiemActors is running. Look at:
  UI:          $url/#token=$token
               (signed in as "analyst" for 8 hours; more tokens: siemctl token --user NAME --ttl 8h)
  Operations:  siemctl cluster show | actor hierarchy | shards show | pipeline status | pipeline lag   (docs/operations.md)
               curl $url/health/ready;  metrics: curl http://127.0.0.1:${SIEM_METRICS_PORT:-9090}/metrics
  ClickHouse:  clickhouse-client --query "SELECT source, severity, count() FROM siem.siem_events FINAL GROUP BY source, severity ORDER BY source, severity"
  Redis:       redis-cli SMEMBERS siem:streams;  redis-cli XREVRANGE siem:stream:sshd + - COUNT 3
  Kafka:       kcat -b \$(cat .siem/kafka.bootstrap) -L
  Logs:        .siem/node.log  .siem/kafka.log  .siem/generator.log
Stop with Ctrl+C: the generator stops, the node drains and commits, then the broker and the services stop.
TXT
wait "${pids[1]}"
