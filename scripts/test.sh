#!/usr/bin/env bash
# Runs every test of SiemActors on a fresh Debian 12 machine with the .NET SDK and Node.js: installs the Debian packages
# the tests need (scripts/services.sh install browser: Redis, ClickHouse, kcat, Chromium), starts Redis, a Redis Cluster,
# ClickHouse and s3rver (the archive's S3-compatible store) on loopback, builds the web UI (npm ci, npm run build), restores, builds, runs every test project, and stops the
# services it started. The Kafka broker is librdkafka's mock cluster, hosted by the tests; the browser test starts
# scripts/run.sh itself.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Kafka]
set -euo pipefail
cd "$(dirname "$0")/.."

log_dir=${TEST_LOG_DIR:-artifacts/test}
mkdir -p "$log_dir"
log="$log_dir/dotnet-test.log"

echo "== services"
scripts/services.sh install browser
# Stop at the end only what this run started: a Redis or ClickHouse that already answered (a developer's, for the demo
# or the benchmark) is left running.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started=()
answers "${SIEM_REDIS_PORT:-6379}" || started+=(redis)
answers "${SIEM_CLICKHOUSE_HTTP_PORT:-8123}" || started+=(clickhouse)
answers "${SIEM_REDIS_CLUSTER_PORT:-7000}" || started+=(redis-cluster)
answers "${SIEM_S3_PORT:-4568}" || started+=(s3)
trap 'for s in "${started[@]}"; do scripts/services.sh stop "$s"; done' EXIT
scripts/services.sh start
# The Redis Cluster (three masters, three replicas on 7000-7005) of the sink's, the api's and the failover tests; the
# integration tests start clusters of their own.
scripts/services.sh start redis-cluster
# s3rver (Node, from deploy/s3rver with npm ci): the archive's S3-compatible store.
scripts/services.sh start s3

echo "== web UI (npm ci, npm run build)"
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)

echo "== restore and build (Release)"
dotnet restore SiemActors.sln
dotnet build SiemActors.sln -c Release --no-restore -warnaserror

echo "== package (dotnet pack SiemActors.Kafka, used by a project outside the repository)"
scripts/check-package.sh

echo "== test"
set +e
# --blame-hang-timeout: a hung test is killed with a dump instead of stalling the run.
# The long fault campaign (trait Campaign) is scripts/chaos.sh's, not this command's.
filter=(--filter "Category!=Campaign")
[[ " $* " == *" --filter "* ]] && filter=()
dotnet test SiemActors.sln -c Release --no-build --blame-hang-timeout 10m "${filter[@]}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line over all test assemblies ("N passed, N failed").
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") { gsub(",", "", $(i+1)); f += $(i+1) }
         if ($i == "Passed:") { gsub(",", "", $(i+1)); p += $(i+1) }
         if ($i == "Skipped:") { gsub(",", "", $(i+1)); s += $(i+1) }
       }
       n++
     }
     END {
       if (n == 0) { print "tests: no test assembly reported a result"; exit 1 }
       printf "tests: %d passed, %d failed, %d skipped\n", p, f, s
     }' "$log" || status=1
exit "$status"
