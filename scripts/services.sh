#!/usr/bin/env bash
# Local services for SiemActors' tests and local runs: Redis and ClickHouse from Debian's packages, on loopback only.
#   scripts/services.sh install [browser]
#                                 install the Debian packages that are missing (redis-server, clickhouse-server,
#                                 clickhouse-client, kcat, iproute2 for the network lab's hosts; with `browser` also
#                                 chromium, for the UI's browser test)
#   scripts/services.sh start [redis|clickhouse]
#                                 start Redis (127.0.0.1:6379) and ClickHouse (127.0.0.1:8123, native 9000), or one of
#                                 them, unless something already answers there, and wait until they answer
#   scripts/services.sh stop [redis|clickhouse]
#                                 stop what `start` started (by PID), nothing else
#   scripts/services.sh kill [redis|clickhouse]
#                                 SIGKILL what `start` started: a crash, for outage tests (ClickHouse 18.16 does not
#                                 exit on SIGTERM while clients keep HTTP connections open; `stop` waits 30 s for it)
#   scripts/services.sh status
# Ports: SIEM_REDIS_PORT, SIEM_CLICKHOUSE_HTTP_PORT, SIEM_CLICKHOUSE_TCP_PORT, SIEM_CLICKHOUSE_INTERSERVER_PORT.
# SIEM_REDIS_PERSIST=1 gives Redis an append-only file, so data survives a stop and start (the outage tests use it).
# State (PID files, logs, ClickHouse data) lives in $SIEM_SERVICES_DIR (default /tmp/siemactors-services): outside the
# repository so that the clickhouse user can reach it wherever the repository is.
set -euo pipefail

dir=${SIEM_SERVICES_DIR:-/tmp/siemactors-services}
redis_port=${SIEM_REDIS_PORT:-6379}
ch_http_port=${SIEM_CLICKHOUSE_HTTP_PORT:-8123}
ch_tcp_port=${SIEM_CLICKHOUSE_TCP_PORT:-9000}
ch_interserver_port=${SIEM_CLICKHOUSE_INTERSERVER_PORT:-9009}

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  [[ -x /usr/sbin/clickhouse-server ]] || missing+=(clickhouse-server)
  command -v clickhouse-client >/dev/null || missing+=(clickhouse-client)
  command -v kcat >/dev/null || missing+=(kcat)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v start-stop-daemon >/dev/null || missing+=(dpkg)
  [[ ${1:-} == browser ]] && { [[ -x /usr/bin/chromium ]] || missing+=(chromium); }
  if ((${#missing[@]} == 0)); then echo "services: packages present"; return; fi
  echo "services: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

wait_until() { # what, seconds, command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then echo "services: $what did not answer within ${seconds}s" >&2; return 1; fi
    sleep 0.2
  done
}

start_redis() {
  if answers "$redis_port"; then echo "services: something already answers on 127.0.0.1:$redis_port; using it"; return; fi
  mkdir -p "$dir/redis"
  local persist=no
  [[ ${SIEM_REDIS_PERSIST:-0} == 1 ]] && persist=yes
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly "$persist" --appendfsync always \
    --dir "$dir/redis" --pidfile "$dir/redis.pid" --logfile "$dir/redis/redis.log"
  wait_until "Redis" 30 redis-cli -h 127.0.0.1 -p "$redis_port" ping
  echo "services: Redis on 127.0.0.1:$redis_port (pid $(cat "$dir/redis.pid"))"
}

start_clickhouse() {
  if answers "$ch_http_port"; then echo "services: something already answers on 127.0.0.1:$ch_http_port; using it"; return; fi
  mkdir -p "$dir/clickhouse"
  sudo_if_needed chown -R clickhouse:clickhouse "$dir/clickhouse"
  # The package's config, with paths, ports and the listen address overridden: loopback only, data under $dir.
  sudo_if_needed start-stop-daemon --start --background --make-pidfile --pidfile "$dir/clickhouse.pid" \
    --chuid clickhouse --exec /usr/sbin/clickhouse-server -- --config-file=/etc/clickhouse-server/config.xml -- \
    --listen_host=127.0.0.1 --http_port="$ch_http_port" --tcp_port="$ch_tcp_port" \
    --interserver_http_port="$ch_interserver_port" \
    --path="$dir/clickhouse/data/" --tmp_path="$dir/clickhouse/tmp/" --user_files_path="$dir/clickhouse/user_files/" \
    --logger.log="$dir/clickhouse/clickhouse.log" --logger.errorlog="$dir/clickhouse/clickhouse.err.log"
  if ! wait_until "ClickHouse" 60 curl -sf "http://127.0.0.1:$ch_http_port/ping"; then
    tail -n 20 "$dir/clickhouse/clickhouse.err.log" >&2 || true
    return 1
  fi
  echo "services: ClickHouse $(curl -s "http://127.0.0.1:$ch_http_port/" --data-binary 'SELECT version()') on 127.0.0.1:$ch_http_port (pid $(cat "$dir/clickhouse.pid"))"
}

stop_one() { # name pidfile [signal]
  local pidfile=$2 signal=${3:-TERM}
  [[ -f $pidfile ]] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    sudo_if_needed kill "-$signal" "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && sudo_if_needed kill -9 "$pid"
    echo "services: stopped $1 (pid $pid)"
  fi
  rm -f "$pidfile"
}

case ${1:-} in
  install) install_packages "${2:-}" ;;
  start)
    mkdir -p "$dir"
    if [[ ${2:-redis} == redis ]]; then start_redis; fi
    if [[ ${2:-clickhouse} == clickhouse ]]; then start_clickhouse; fi
    ;;
  stop)
    if [[ ${2:-redis} == redis ]]; then stop_one Redis "$dir/redis.pid"; fi
    if [[ ${2:-clickhouse} == clickhouse ]]; then stop_one ClickHouse "$dir/clickhouse.pid"; fi
    ;;
  kill)
    if [[ ${2:-redis} == redis ]]; then stop_one Redis "$dir/redis.pid" KILL; fi
    if [[ ${2:-clickhouse} == clickhouse ]]; then stop_one ClickHouse "$dir/clickhouse.pid" KILL; fi
    ;;
  status)
    answers "$redis_port" && echo "Redis: up on 127.0.0.1:$redis_port" || echo "Redis: down"
    answers "$ch_http_port" && echo "ClickHouse: up on 127.0.0.1:$ch_http_port" || echo "ClickHouse: down" ;;
  *) echo "usage: $0 install|start|stop|kill|status [redis|clickhouse]" >&2; exit 2 ;;
esac
