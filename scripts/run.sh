#!/usr/bin/env bash
# Runs SiemActors locally on the embedded default, in the foreground until Ctrl+C:
#   Redis and ClickHouse (Debian packages, installed when missing, on loopback), the embedded Kafka broker with the
#   pipeline's topics (siemctl kafka up), one node with every role, and the demo generator.
#   It also builds the web UI (npm ci, npm run build in web/), installs siemctl as a .NET tool into the state folder
#   (tools/; put it on the PATH with the line it prints, or use scripts/siemctl) and prints a link that signs the browser in.
# The node is supervised: if it exits when not told to, the script prints why (its exit status and the last lines of its
#   log), restarts it after a backoff (1 s, doubling up to 30 s; back to 1 s after a minute up) and keeps the broker, the
#   services and the generator running, so records produced meanwhile wait in the broker and are stored after the restart.
#   Only Ctrl+C or SIGTERM stops everything. If the broker itself exits, its records are gone: the script stops, loudly.
# Everything it starts, it stops on exit (by PID). Logs and state: .siem/ (node.pid: the running node's PID)
# Options (environment):
#   SIEM_RATE         generator events/s (default 2000)
#   SIEM_HTTP_PORT    the node's HTTP port: UI, hub, API (default siem.api.http.port: 8080)
#   SIEM_NODE_PORT    the node's remoting port (default siem.node.port: 4053)
#   SIEM_METRICS_PORT Prometheus /metrics port (default siem.metrics.port: 9090; 0: on the HTTP port)
#   SIEM_STATE_DIR    logs and state (default .siem/)
#   SIEM_SERVICES     "external": use the Redis and ClickHouse already running, do not install, start or stop them;
#                     "cluster": a Redis Cluster (3 masters, 3 replicas on 7000-7005, writes WAIT for one replica) and a
#                     ClickHouse cluster (2 shards x 2 replicas on 8201-8204, ZooKeeper on 8230) instead of one of each
#                     (scripts/services.sh start redis-cluster / clickhouse-cluster; docs/scaling.md)
#   SIEM_NO_BUILD     1: use what is already built (the browser test runs this script after scripts/test.sh built all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state=${SIEM_STATE_DIR:-$root/.siem}
mkdir -p "$state"
state=$(cd "$state" && pwd)
rate=${SIEM_RATE:-2000}
services=${SIEM_SERVICES:-local}
kafka_pid='' node_pid='' generator_pid=''

stop_pid() { # PID: SIGTERM, up to 60 s to finish (the node drains and commits), then SIGKILL
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

stop_all() {
  trap - EXIT INT TERM
  echo
  echo "== stopping"
  stop_pid "$generator_pid"
  stop_pid "$node_pid"
  stop_pid "$kafka_pid"
  rm -f "$state/node.pid"
  case $services in
    external) ;;
    cluster) scripts/services.sh stop redis-cluster; scripts/services.sh stop clickhouse-cluster ;;
    *) scripts/services.sh stop ;;
  esac
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

redis_ports=("${SIEM_REDIS_PORT:-6379}")
clickhouse_http=("http://127.0.0.1:${SIEM_CLICKHOUSE_HTTP_PORT:-8123}")
if [[ $services == cluster ]]; then
  echo "== services (clusters)"
  scripts/services.sh install cluster
  scripts/services.sh start redis-cluster
  scripts/services.sh start clickhouse-cluster
  redis_ports=(7000 7001 7002 7003 7004 7005)
  clickhouse_http=(http://127.0.0.1:8201 http://127.0.0.1:8202 http://127.0.0.1:8203 http://127.0.0.1:8204)
elif [[ $services != external ]]; then
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

# siemctl as a .NET tool (PackAsTool) from the package just built, into the state folder: reinstalled each run, so it is
# always this checkout's. The package holds everything it needs: --source names only the local folder.
echo "== siemctl (dotnet pack, dotnet tool install --tool-path $state/tools)"
rm -rf "$state/packages"
dotnet pack src/SiemActors.Cli/SiemActors.Cli.csproj -c Release --no-build -o "$state/packages" -v quiet -nologo >"$state/siemctl-install.log" 2>&1 &&
  { dotnet tool uninstall siemctl --tool-path "$state/tools" >/dev/null 2>&1 || true; } &&
  dotnet tool install siemctl --tool-path "$state/tools" --source "$state/packages" >>"$state/siemctl-install.log" 2>&1 ||
  { cat "$state/siemctl-install.log"; echo "siemctl could not be packed or installed (above)"; exit 1; }
rm -rf "$state/packages"
siemctl=$state/tools/siemctl
node="dotnet $root/src/SiemActors.Node/bin/Release/net10.0/SiemActors.Node.dll"

echo "== embedded Kafka"
rm -f "$state/kafka.bootstrap"
"$siemctl" --state-dir "$state" kafka up >"$state/kafka.log" 2>&1 &
kafka_pid=$!
for _ in $(seq 1 150); do [[ -s $state/kafka.bootstrap ]] && break; sleep 0.2; done
[[ -s $state/kafka.bootstrap ]] || { echo "the embedded broker did not start: see $state/kafka.log"; exit 1; }
cat "$state/kafka.log"

# The embedded broker starts an empty log: its offsets begin at 0 again. The exactly-once records (the ClickHouse
# batch ledger, the Redis high-water marks and log epochs, the detection entities' applied offsets in
# siem:persistence:*) describe the previous run's log. The node would see a new log by itself only where the new one
# ends below the old marks (docs/reliability.md); this script knows, so it clears them for the default database and
# key prefix. The events and the alerts stay.
# On the clusters: the ledger's local table on every replica, the keys on every node (redis-cli -c follows a key to its
# master; a replica lists its master's keys, deleting one twice is harmless).
ledger=siem.siem_events_ledger
[[ $services == cluster ]] && ledger=siem.siem_events_ledger_local
for ch in "${clickhouse_http[@]}"; do curl -s "$ch/" --data-binary "TRUNCATE TABLE IF EXISTS $ledger" >/dev/null 2>&1 || true; done
for port in "${redis_ports[@]}"; do
  redis-cli -c -p "$port" DEL siem:offsets siem:log-epochs >/dev/null 2>&1 || true
  for pattern in 'siem:offsets:*' 'siem:persistence:*'; do # the sources' marks; the entities' journals
    redis-cli -p "$port" --scan --pattern "$pattern" 2>/dev/null | xargs -r -n 1 redis-cli -c -p "$port" UNLINK >/dev/null 2>&1 || true
  done
done

# The node's overrides for this run: where the broker is, the ports, the JWT secret file in the state folder.
cat >"$state/node.conf" <<CONF
siem.kafka.bootstrap-servers = "$(cat "$state/kafka.bootstrap")"
siem.api.auth.secret-file = "$state/jwt.secret"
siem.management.token-file = "$state/management.token"
# The in-process broker (librdkafka's mock) answers a fetch that finds nothing new only after the consumer's whole
# fetch wait, even when records arrive meanwhile (docs/kafka.md): 50 ms instead of librdkafka's 500 keeps the live
# view's latency down. Leave the default against a real broker.
akka.kafka.consumer.kafka-clients.fetch.wait.max.ms = 50
# The archive (docs/archive.md) in a local directory, on a demo's clock: a day is archived a minute after it ends, and
# ClickHouse keeps one day (today and yesterday) instead of 30, so the backfilled days before are dropped from ClickHouse
# and History reads them from the archive. Against S3 instead: target = "s3://bucket/prefix" and s3.endpoint.
siem.archive { enabled = true, target = "file://$state/archive", grace = 1m, retention-days = 1, interval = 30s }
${SIEM_HTTP_PORT:+siem.api.http.port = $SIEM_HTTP_PORT}
${SIEM_NODE_PORT:+siem.node.port = $SIEM_NODE_PORT}
${SIEM_METRICS_PORT:+siem.metrics.port = $SIEM_METRICS_PORT}
CONF
if [[ $services == cluster ]]; then
  cat >>"$state/node.conf" <<CONF
siem.sinks.redis { connection = "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002", wait-replicas = 1 }
siem.sinks.clickhouse {
  url = "http://127.0.0.1:8201"
  cluster { name = siem, shards = ["http://127.0.0.1:8201,http://127.0.0.1:8202", "http://127.0.0.1:8203,http://127.0.0.1:8204"] }
}
CONF
fi

# The node's log (node.log) is appended to across restarts; each start is a line "== run.sh: node started" in it.
start_node() {
  node_log_start=$(stat -c %s "$state/node.log" 2>/dev/null || echo 0)
  echo "== run.sh: node started $(date -u +%FT%TZ)" >>"$state/node.log"
  $node --config "$state/node.conf" >>"$state/node.log" 2>&1 &
  node_pid=$!
  node_started=$SECONDS
  echo "$node_pid" >"$state/node.pid"
}
node_log() { tail -c +$((node_log_start + 1)) "$state/node.log"; } # this start's lines
node_ready() { # up to 60 s for the pipeline to consume; false if the node exited or did not get there
  for _ in $(seq 1 300); do
    node_log | grep -q "Ingest pipeline consuming" && return 0
    kill -0 "$node_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

echo "== node"
: >"$state/node.log"
start_node
node_ready || { echo "the node did not start: see $state/node.log"; node_log | tail -20; exit 1; }
url=$(node_log | grep -o 'HTTP listening on http://[^ ,]*' | head -1 | sed 's/HTTP listening on //')
echo "$url" >"$state/node.url" # siemctl's default --node
echo "node up at $url (log: $state/node.log)"

# Three days of history before today (2,000 events a day), for the archive: within a minute the singleton archives
# them and drops the two oldest from ClickHouse. Each run adds its own (new ids): the archive takes them as late events.
echo "== backfill: 6,000 events over the 3 days before today"
"$siemctl" --state-dir "$state" generate --backfill-days 3 --count 6000 --rate 0 >"$state/backfill.log" 2>&1

echo "== generator: $rate events/s"
"$siemctl" --state-dir "$state" generate --rate "$rate" >"$state/generator.log" 2>&1 &
generator_pid=$!

token=$("$siemctl" token --user analyst --role admin --secret-file "$state/jwt.secret")
# The state folder as the user would type it: .siem when it is the default, else its path (and siemctl must be told).
shown=$state
[[ $state == "$root/.siem" ]] && shown=.siem
path_line="export PATH=\"$state/tools:\$PATH\""
[[ $state != "$root/.siem" ]] && path_line+=" SIEM_STATE_DIR=\"$state\""
cat <<TXT

SiemActors is running. Look at:
  UI:          $url/#token=$token
               (signed in as "analyst", an admin, for 8 hours; more: siemctl token --user NAME --role viewer|responder|admin --ttl 8h)
  siemctl:     $path_line
               puts this run's siemctl on the PATH of your shell; or, without that, scripts/siemctl … (the same build)
  Operations:  siemctl cluster show | actor hierarchy | shards show | pipeline status | pipeline lag   (docs/operations.md)
               curl $url/health/ready;  metrics: curl http://127.0.0.1:${SIEM_METRICS_PORT:-9090}/metrics
  Audit:       siemctl audit --limit 20   (who searched, subscribed, triaged or called management; docs/security.md)
  ClickHouse:  clickhouse-client --query "SELECT source, severity, count() FROM siem.siem_events FINAL GROUP BY source, severity ORDER BY source, severity"
  Redis:       redis-cli SMEMBERS siem:streams;  redis-cli XREVRANGE 'siem:stream:{sshd}' + - COUNT 3
               (SIEM_SERVICES=cluster: redis-cli -c -p 7000 …; clickhouse-client --port 8211 …)
  Kafka:       kcat -b \$(cat $shown/kafka.bootstrap) -L
  Archive:     siemctl archive list;  $shown/archive/events/date=*/   (History: set From to 3 days ago; rows from the
               archive are marked; docs/archive.md)
  Logs:        $shown/node.log  $shown/kafka.log  $shown/generator.log
The node is supervised: if it dies, it is restarted here and the broker keeps what is produced meanwhile.
Stop with Ctrl+C: the generator stops, the node drains and commits, then the broker and the services stop.
TXT

# Supervision. wait returns when the node or the broker exits; Ctrl+C and SIGTERM end the script through the trap.
exit_status() { # CODE -> words
  if (($1 > 128)); then echo "killed by signal $(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128)))"; else echo "exit code $1"; fi
}
delay=1
while :; do
  exited=''
  status=0
  wait -n -p exited "$node_pid" "$kafka_pid" || status=$?
  if [[ $exited == "$kafka_pid" ]]; then
    echo "== $(date -u +%FT%TZ) the embedded broker exited ($(exit_status "$status")): the records it held are gone; stopping. Its log:"
    tail -n 20 "$state/kafka.log" | sed 's/^/   | /'
    exit 1
  fi
  [[ $exited == "$node_pid" ]] || continue # a signal, already handled by the trap
  up=$((SECONDS - node_started))
  echo "== $(date -u +%FT%TZ) the node (pid $node_pid) exited unexpectedly after ${up} s: $(exit_status "$status"). The last lines of its log:"
  node_log | tail -n 20 | sed 's/^/   | /'
  ((up >= 60)) && delay=1
  echo "== restarting the node in ${delay} s; the broker, the services and the generator keep running"
  sleep "$delay" &
  wait $! # a background sleep, so that Ctrl+C is not held up by it
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
  start_node
  if node_ready; then
    echo "== $(date -u +%FT%TZ) node restarted (pid $node_pid) at $url; it resumes from its committed offsets"
  else
    echo "== $(date -u +%FT%TZ) the restarted node (pid $node_pid) is not consuming yet after 60 s: see $state/node.log"
  fi
done
