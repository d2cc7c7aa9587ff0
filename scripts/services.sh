#!/usr/bin/env bash
# Local services for SiemActors' tests and local runs: Redis and ClickHouse from Debian's packages, on loopback only.
#   scripts/services.sh install [browser|cluster]
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
#   scripts/services.sh start|stop|kill redis-cluster
#                                 a Redis Cluster of three masters and three replicas (127.0.0.1:7000-7005, cluster bus
#                                 17000-17005; SIEM_REDIS_CLUSTER_PORT moves the first port): every node that does not
#                                 answer is started, the cluster is created when its nodes are new (redis-cli --cluster
#                                 create) and awaited until every node reports cluster_state:ok. A node started again
#                                 after a kill rejoins with its nodes.conf (as a replica when its master failed over).
#                                 Not part of plain `start`/`stop`: name it.
#   scripts/services.sh start|stop|kill clickhouse-cluster [N]
#                                 a ClickHouse cluster "siem" of 2 shards x 2 replicas (replica N = 1..4: shard
#                                 (N+1)/2; HTTP 8201-8204, native 8211-8214, interserver 8221-8224;
#                                 SIEM_CLICKHOUSE_CLUSTER_PORT moves 8200) replicated through one ZooKeeper (8230;
#                                 Debian's zookeeperd, installed by `install cluster`). Configs from
#                                 deploy/clickhouse-cluster/. With N: only that replica (kill: SIGKILL, a crash).
#   scripts/services.sh start|stop s3
#                                 s3rver, an S3-compatible server on Node (127.0.0.1:4568, SIEM_S3_PORT; installed from
#                                 deploy/s3rver with npm ci), with the bucket siem-archive; data in $SIEM_SERVICES_DIR/s3.
#                                 Its credentials are s3rver's fixed S3RVER / S3RVER. The archive's tests and the demo use
#                                 it. Not part of plain `start`/`stop`: name it.
#   scripts/services.sh status
# Ports: SIEM_REDIS_PORT, SIEM_CLICKHOUSE_HTTP_PORT, SIEM_CLICKHOUSE_TCP_PORT, SIEM_CLICKHOUSE_INTERSERVER_PORT.
# SIEM_REDIS_PERSIST=1 gives Redis an append-only file, so data survives a stop and start (the outage tests use it).
# TLS and credentials (the security tests): with SIEM_TLS_DIR (holding ca.crt, server.crt, server.key) Redis listens
# with TLS only on its port and ClickHouse also serves HTTPS on SIEM_CLICKHOUSE_HTTPS_PORT; SIEM_REDIS_USER and
# SIEM_REDIS_PASSWORD make Redis refuse everyone but that ACL user (no admin or dangerous commands but INFO);
# SIEM_TLS_CLIENT_CERTS=yes makes both demand a client certificate of the CA (the directory's client.crt and client.key);
# SIEM_CLICKHOUSE_USER and SIEM_CLICKHOUSE_PASSWORD add that ClickHouse user (loopback only).
# State (PID files, logs, ClickHouse data) lives in $SIEM_SERVICES_DIR (default /tmp/siemactors-services): outside the
# repository so that the clickhouse user can reach it wherever the repository is.
set -euo pipefail

dir=${SIEM_SERVICES_DIR:-/tmp/siemactors-services}
redis_port=${SIEM_REDIS_PORT:-6379}
ch_http_port=${SIEM_CLICKHOUSE_HTTP_PORT:-8123}
ch_tcp_port=${SIEM_CLICKHOUSE_TCP_PORT:-9000}
ch_interserver_port=${SIEM_CLICKHOUSE_INTERSERVER_PORT:-9009}
cluster_port=${SIEM_REDIS_CLUSTER_PORT:-7000}
ch_cluster_port=${SIEM_CLICKHOUSE_CLUSTER_PORT:-8200}
repo=$(cd "$(dirname "$0")/.." && pwd)
cluster_ports=("$cluster_port" $((cluster_port + 1)) $((cluster_port + 2)) $((cluster_port + 3)) $((cluster_port + 4)) $((cluster_port + 5)))

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
  [[ ${1:-} == browser || ${1:-} == cluster ]] && { [[ -x /usr/share/zookeeper/bin/zkServer.sh ]] || missing+=(zookeeperd); }
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

redis_cli() { # the Redis of `start`, with its TLS and user when set
  local args=(-h 127.0.0.1 -p "$redis_port")
  [[ -n ${SIEM_TLS_DIR:-} ]] && args+=(--tls --cacert "$SIEM_TLS_DIR/ca.crt" --cert "$SIEM_TLS_DIR/client.crt" --key "$SIEM_TLS_DIR/client.key")
  [[ -n ${SIEM_REDIS_USER:-} ]] && args+=(--user "$SIEM_REDIS_USER" --pass "$SIEM_REDIS_PASSWORD" --no-auth-warning)
  redis-cli "${args[@]}" "$@"
}

start_redis() {
  if answers "$redis_port"; then echo "services: something already answers on 127.0.0.1:$redis_port; using it"; return; fi
  mkdir -p "$dir/redis"
  local persist=no
  [[ ${SIEM_REDIS_PERSIST:-0} == 1 ]] && persist=yes
  local listen=(--port "$redis_port") access=()
  if [[ -n ${SIEM_TLS_DIR:-} ]]; then
    listen=(--port 0 --tls-port "$redis_port" --tls-cert-file "$SIEM_TLS_DIR/server.crt" --tls-key-file "$SIEM_TLS_DIR/server.key"
      --tls-ca-cert-file "$SIEM_TLS_DIR/ca.crt" --tls-auth-clients "${SIEM_TLS_CLIENT_CERTS:-optional}")
  fi
  if [[ -n ${SIEM_REDIS_USER:-} ]]; then
    access=(--user default off --user "$SIEM_REDIS_USER" on ">$SIEM_REDIS_PASSWORD" '~*' '&*' +@all -@admin -@dangerous +info)
  fi
  redis-server --daemonize yes --bind 127.0.0.1 "${listen[@]}" "${access[@]}" --save "" --appendonly "$persist" --appendfsync always \
    --dir "$dir/redis" --pidfile "$dir/redis.pid" --logfile "$dir/redis/redis.log"
  wait_until "Redis" 30 redis_cli ping
  echo "services: Redis on 127.0.0.1:$redis_port (pid $(cat "$dir/redis.pid"))"
}

start_clickhouse() {
  if answers "$ch_http_port"; then echo "services: something already answers on 127.0.0.1:$ch_http_port; using it"; return; fi
  mkdir -p "$dir/clickhouse"
  local config=/etc/clickhouse-server/config.xml
  if [[ -n ${SIEM_TLS_DIR:-} || -n ${SIEM_CLICKHOUSE_USER:-} ]]; then
    # The package's config with a config.d and users.d of this instance's own: HTTPS, a user with a password.
    local etc=$dir/clickhouse/etc
    mkdir -p "$etc/config.d" "$etc/users.d"
    cp /etc/clickhouse-server/config.xml /etc/clickhouse-server/users.xml "$etc/"
    config=$etc/config.xml
    if [[ -n ${SIEM_TLS_DIR:-} ]]; then
      cat >"$etc/config.d/tls.xml" <<EOF
<yandex>
  <https_port>${SIEM_CLICKHOUSE_HTTPS_PORT:?SIEM_CLICKHOUSE_HTTPS_PORT is needed with SIEM_TLS_DIR}</https_port>
  <openSSL><server>
    <certificateFile>$SIEM_TLS_DIR/server.crt</certificateFile><privateKeyFile>$SIEM_TLS_DIR/server.key</privateKeyFile>
    <caConfig>$SIEM_TLS_DIR/ca.crt</caConfig><dhParamsFile></dhParamsFile>
    <verificationMode>$([[ ${SIEM_TLS_CLIENT_CERTS:-optional} == yes ]] && echo strict || echo none)</verificationMode>
  </server></openSSL>
</yandex>
EOF
    fi
    if [[ -n ${SIEM_CLICKHOUSE_USER:-} ]]; then
      cat >"$etc/users.d/siem.xml" <<EOF
<yandex><users><$SIEM_CLICKHOUSE_USER>
  <password_sha256_hex>$(printf %s "$SIEM_CLICKHOUSE_PASSWORD" | sha256sum | cut -d' ' -f1)</password_sha256_hex>
  <networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota>
</$SIEM_CLICKHOUSE_USER></users></yandex>
EOF
    fi
  fi
  sudo_if_needed chown -R clickhouse:clickhouse "$dir/clickhouse"
  # The package's config, with paths, ports and the listen address overridden: loopback only, data under $dir.
  sudo_if_needed start-stop-daemon --start --background --make-pidfile --pidfile "$dir/clickhouse.pid" \
    --chuid clickhouse --exec /usr/sbin/clickhouse-server -- --config-file="$config" -- \
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

cluster_ok() { # every node answers and reports cluster_state:ok with six known nodes
  local port
  for port in "${cluster_ports[@]}"; do
    local info; info=$(redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null) || return 1
    [[ $info == *cluster_state:ok* && $info == *cluster_known_nodes:6* ]] || return 1
  done
  # and three replicas, each in sync with its master
  (($(redis-cli -h 127.0.0.1 -p "$cluster_port" cluster nodes | grep -c ' slave ') == 3)) || return 1
  for port in "${cluster_ports[@]}"; do
    local role; role=$(redis-cli -h 127.0.0.1 -p "$port" info replication)
    [[ $role == *role:master* || $role == *master_link_status:up* ]] || return 1
  done
}

start_redis_cluster() {
  local port
  for port in "${cluster_ports[@]}"; do
    answers "$port" && continue
    mkdir -p "$dir/redis-cluster/$port"
    # cluster-node-timeout 2 s: a killed master is failed over within a few seconds. No persistence: a node started
    # again rejoins from its nodes.conf and takes a full copy from its master.
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --cluster-enabled yes --cluster-config-file "$dir/redis-cluster/$port/nodes.conf" --cluster-node-timeout 2000 \
      --dir "$dir/redis-cluster/$port" --pidfile "$dir/redis-cluster/$port.pid" --logfile "$dir/redis-cluster/$port/redis.log"
  done
  for port in "${cluster_ports[@]}"; do wait_until "Redis cluster node $port" 30 redis-cli -h 127.0.0.1 -p "$port" ping; done
  if [[ $(redis-cli -h 127.0.0.1 -p "$cluster_port" cluster info) == *cluster_known_nodes:1[^0-9]* ]]; then
    redis-cli --cluster create $(printf '127.0.0.1:%s ' "${cluster_ports[@]}") --cluster-replicas 1 --cluster-yes >/dev/null
  fi
  wait_until "Redis Cluster (cluster_state:ok on every node)" 60 cluster_ok
  echo "services: Redis Cluster on 127.0.0.1:${cluster_ports[0]}-${cluster_ports[5]}"
}

stop_redis_cluster() { # signal
  local port
  for port in "${cluster_ports[@]}"; do stop_one "Redis cluster node $port" "$dir/redis-cluster/$port.pid" "$1"; done
  # Stopped nodes forget nothing they need: the next start creates the cluster anew.
  [[ $1 == TERM ]] && rm -rf "$dir/redis-cluster"
  return 0
}

start_zookeeper() {
  local zk=$dir/ch-cluster/zookeeper port=$((ch_cluster_port + 30))
  if answers "$port"; then return; fi
  mkdir -p "$zk/data" "$zk/logs"
  sed -e "s#@DATA_DIR@#$zk/data#" -e "s#@ZK_PORT@#$port#" "$repo/deploy/clickhouse-cluster/zoo.cfg.template" >"$zk/zoo.cfg"
  ZOO_LOG_DIR=$zk/logs start-stop-daemon --start --background --make-pidfile --pidfile "$dir/ch-cluster/zookeeper.pid" \
    --output "$zk/logs/zookeeper.out" --exec /usr/share/zookeeper/bin/zkServer.sh -- start-foreground "$zk/zoo.cfg"
  wait_until "ZooKeeper" 60 answers "$port"
}

start_ch_replica() { # N (1..4)
  local n=$1 shard=$(((n + 1) / 2)) replica=$((2 - n % 2))
  local http=$((ch_cluster_port + n)) tcp=$((ch_cluster_port + 10 + n)) inter=$((ch_cluster_port + 20 + n))
  local home=$dir/ch-cluster/$n
  if answers "$http"; then return; fi
  mkdir -p "$home/config.d" "$home/data" "$home/tmp" "$home/user_files"
  cp /etc/clickhouse-server/config.xml /etc/clickhouse-server/users.xml "$home/"
  sed -e "s#@ZK_PORT@#$((ch_cluster_port + 30))#" -e "s#@SHARD@#$shard#" -e "s#@REPLICA@#s${shard}r${replica}#" \
    -e "s#@TCP_1@#$((ch_cluster_port + 11))#" -e "s#@TCP_2@#$((ch_cluster_port + 12))#" \
    -e "s#@TCP_3@#$((ch_cluster_port + 13))#" -e "s#@TCP_4@#$((ch_cluster_port + 14))#" \
    "$repo/deploy/clickhouse-cluster/cluster.xml.template" >"$home/config.d/cluster.xml"
  sudo_if_needed chown -R clickhouse:clickhouse "$home"
  sudo_if_needed start-stop-daemon --start --background --make-pidfile --pidfile "$dir/ch-cluster/$n.pid" \
    --chuid clickhouse --exec /usr/sbin/clickhouse-server -- --config-file="$home/config.xml" -- \
    --listen_host=127.0.0.1 --http_port="$http" --tcp_port="$tcp" --interserver_http_port="$inter" \
    --path="$home/data/" --tmp_path="$home/tmp/" --user_files_path="$home/user_files/" \
    --logger.log="$home/clickhouse.log" --logger.errorlog="$home/clickhouse.err.log"
}

start_clickhouse_cluster() { # [N]
  mkdir -p "$dir/ch-cluster"
  start_zookeeper
  local n
  for n in ${1:-1 2 3 4}; do start_ch_replica "$n"; done
  for n in ${1:-1 2 3 4}; do
    if ! wait_until "ClickHouse replica $n" 90 curl -sf "http://127.0.0.1:$((ch_cluster_port + n))/ping"; then
      tail -n 20 "$dir/ch-cluster/$n/clickhouse.err.log" >&2 || true
      return 1
    fi
  done
  echo "services: ClickHouse cluster siem (2 shards x 2 replicas) on 127.0.0.1:$((ch_cluster_port + 1))-$((ch_cluster_port + 4)), ZooKeeper on $((ch_cluster_port + 30))"
}

stop_clickhouse_cluster() { # signal [N]
  local n
  # In parallel: a ClickHouse 18.16 that clients keep connections to waits out its 30 s before SIGKILL.
  for n in ${2:-1 2 3 4}; do stop_one "ClickHouse replica $n" "$dir/ch-cluster/$n.pid" "$1" & done
  wait
  if [[ -z ${2:-} ]]; then
    stop_one ZooKeeper "$dir/ch-cluster/zookeeper.pid" "$1"
    [[ $1 == TERM ]] && sudo_if_needed rm -rf "$dir/ch-cluster"
  fi
  return 0
}

start_s3() {
  local port=${SIEM_S3_PORT:-4568}
  if answers "$port"; then echo "services: something already answers on 127.0.0.1:$port; using it"; return; fi
  if [[ ! -d $repo/deploy/s3rver/node_modules/s3rver ]]; then
    (cd "$repo/deploy/s3rver" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  mkdir -p "$dir/s3"
  nohup node "$repo/deploy/s3rver/node_modules/s3rver/bin/s3rver.js" -d "$dir/s3" -a 127.0.0.1 -p "$port" --silent \
    --configure-bucket siem-archive >"$dir/s3.log" 2>&1 &
  echo $! >"$dir/s3.pid"
  wait_until "s3rver" 30 curl -sf -o /dev/null "http://127.0.0.1:$port/siem-archive"
  echo "services: s3rver on 127.0.0.1:$port (pid $(cat "$dir/s3.pid")), bucket siem-archive"
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
    if [[ ${2:-} == redis-cluster ]]; then start_redis_cluster; exit 0; fi
    if [[ ${2:-} == clickhouse-cluster ]]; then start_clickhouse_cluster "${3:-}"; exit 0; fi
    if [[ ${2:-} == s3 ]]; then start_s3; exit 0; fi
    if [[ ${2:-redis} == redis ]]; then start_redis; fi
    if [[ ${2:-clickhouse} == clickhouse ]]; then start_clickhouse; fi
    ;;
  stop)
    if [[ ${2:-} == redis-cluster ]]; then stop_redis_cluster TERM; exit 0; fi
    if [[ ${2:-} == clickhouse-cluster ]]; then stop_clickhouse_cluster TERM "${3:-}"; exit 0; fi
    if [[ ${2:-} == s3 ]]; then stop_one s3rver "$dir/s3.pid"; exit 0; fi
    if [[ ${2:-redis} == redis ]]; then stop_one Redis "$dir/redis.pid"; fi
    if [[ ${2:-clickhouse} == clickhouse ]]; then stop_one ClickHouse "$dir/clickhouse.pid"; fi
    ;;
  kill)
    if [[ ${2:-} == redis-cluster ]]; then stop_redis_cluster KILL; exit 0; fi
    if [[ ${2:-} == clickhouse-cluster ]]; then stop_clickhouse_cluster KILL "${3:-}"; exit 0; fi
    if [[ ${2:-redis} == redis ]]; then stop_one Redis "$dir/redis.pid" KILL; fi
    if [[ ${2:-clickhouse} == clickhouse ]]; then stop_one ClickHouse "$dir/clickhouse.pid" KILL; fi
    ;;
  status)
    answers "$redis_port" && echo "Redis: up on 127.0.0.1:$redis_port" || echo "Redis: down"
    answers "$ch_http_port" && echo "ClickHouse: up on 127.0.0.1:$ch_http_port" || echo "ClickHouse: down"
    cluster_ok && echo "Redis Cluster: ok on 127.0.0.1:${cluster_ports[0]}-${cluster_ports[5]}" || echo "Redis Cluster: down" ;;
  *) echo "usage: $0 install|start|stop|kill|status [redis|clickhouse|redis-cluster|clickhouse-cluster [N]|s3]" >&2; exit 2 ;;
esac
