#!/usr/bin/env bash
# The long fuzz campaign (docs/reliability.md): installs and starts what it needs like scripts/test.sh (Redis,
# ClickHouse, kcat from Debian), builds the harness and the node in Release, and runs `siem-bench fuzz` on the embedded
# default: hostile records of every format with marker events into one node, every record accounted for. Writes
# bench/results/<date>-<commit>-fuzz.json and exits non-zero if any check failed. Stops the services it started.
# Usage: scripts/fuzz.sh [--records 2000000] [--seed N]   (a random seed, printed, when none is given)
# Takes ~6 minutes for 2,000,000 records on 2 cores. The short run (25,000 records) is part of scripts/test.sh.
exec "$(dirname "$0")/siem-bench.sh" fuzz "$@"
