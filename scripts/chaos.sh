#!/usr/bin/env bash
# The long fault campaign (docs/reliability.md): N SiemActors nodes, each on a host of its own (a network namespace on a
# bridge; storage — Redis, ClickHouse, a 3-broker embedded Kafka — on another), records produced at a fixed rate, and
# every 20–40 s (seeded, seed printed) a random fault: a node cut off from the cluster or from storage for 30 s, a node
# frozen (SIGSTOP) for 30 s, slow and lossy storage links for 30 s, Redis or ClickHouse restarted, the partitions'
# leaders moved, or a node SIGKILLed; a node that exits is restarted, as an orchestrator would. Then a full audit: per
# event id stored exactly once in ClickHouse (FINAL, and raw rows before merges) and in Redis, alerts once, every
# offset committed, the dead-letter topic holding exactly the unparsable records. It prints one summary table and writes
# the JSON to bench/results/chaos-<date>-seed<seed>.json.
#
# Needs root (ip netns) and memory for Redis to keep every event until the audit (about 1.5 GB per million events).
# Usage: scripts/chaos.sh [--events N (10000000)] [--rate PER_SECOND (5000)] [--nodes N (3)] [--seed S (random)]
set -euo pipefail
cd "$(dirname "$0")/.."

events=10000000 rate=5000 nodes=3 seed=$(( (RANDOM << 15 | RANDOM) + 1 ))
while (($#)); do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: $0 [--events N] [--rate PER_SECOND] [--nodes N] [--seed S]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "chaos: the network lab needs root (ip netns)" >&2; exit 2; }

echo "== chaos: $nodes nodes, $events records at $rate/s, seed $seed"
scripts/services.sh install
dotnet restore SiemActors.sln
dotnet build SiemActors.sln -c Release --no-restore -warnaserror

mkdir -p bench/results artifacts/chaos
result="$PWD/bench/results/chaos-$(date -u +%Y%m%d-%H%M)-seed$seed.json"
set +e
CHAOS_EVENTS=$events CHAOS_RATE=$rate CHAOS_NODES=$nodes CHAOS_SEED=$seed CHAOS_RESULT=$result \
  dotnet test tests/SiemActors.Integration.Tests -c Release --no-build --filter "Category=Campaign" \
  --logger "console;verbosity=detailed" 2>&1 | tee artifacts/chaos/last.log | grep --line-buffered -E "^chaos|Passed|Failed|Assert|Error Message"
status=${PIPESTATUS[0]}
set -e
[[ -f $result ]] || { echo "chaos: no result (exit $status); log: artifacts/chaos/last.log" >&2; exit 1; }
python3 - "$result" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["audit"]
print(f"\nchaos campaign {r['date']}, seed {r['seed']}: {r['nodes']} nodes, {r['produced']:,} records at {r['rate']}/s in {r['seconds']} s")
print(f"{'fault':<66} {'held s':>7} {'stored/s':>9} {'catch-up s':>10} {'p99 ≤ s':>8} {'stored twice':>12}")
for f in r["faults"]:
    rate = f["StoredMeanwhile"] / max(f["HeldSeconds"], 1)
    print(f"{f['Fault'][:66]:<66} {f['HeldSeconds']:>7.0f} {rate:>9.0f} {f['CaughtUpSeconds']:>10.1f} {str(f.get('P99Seconds', '-')):>8} {f['OffsetsStoredTwice']:>12}")
print(f"events {r['good']:,} (+{r['unparsable']:,} unparsable): lost {r['lost']}, duplicates after merge {r['stored_twice_after_merge']}, "
      f"raw rows before merge {a['RawRows']:,}; Redis {a['RedisKeys']:,} keys / {a['StreamEntries']:,} stream entries; "
      f"alerts {a['Alerts']} / {a['AlertStreamEntries']} stream entries; dead letters {a['DeadLetterDistinct']:,} ({a['DeadLetters'] - a['DeadLetterDistinct']} resent); "
      f"committed to the end: {a['CommittedToEnd']}")
print(f"result: {sys.argv[1]}")
PY
exit "$status"
