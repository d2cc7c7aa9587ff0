#!/usr/bin/env bash
# The benchmark (docs/benchmarks.md): installs and starts what it needs like scripts/test.sh (Redis, ClickHouse, kcat
# from Debian), builds the harness and the node in Release, and runs `siem-bench run` on the embedded default — mixed
# formats into 32 partitions produced while one node consumes, a live phase at half the steady rate, the bounds and the
# ClickHouse Kafka-engine peer on the same data. Writes bench/results/<date>-<commit>[-label].json and regenerates the
# table and chart (docs/images/benchmark-run.png) in docs/benchmarks.md. Stops the services it started.
# Usage: scripts/bench.sh [siem-bench run options, e.g. --events 1200000 --live-seconds 600 --label soak --no-docs]
# Takes ~5 minutes with the defaults on 2 cores (more with --live-seconds). Not part of scripts/test.sh.
exec "$(dirname "$0")/siem-bench.sh" run "$@"
