using System.Text;
using Confluent.Kafka;
using SiemActors.Testing;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// What the stores hold after a run, counted from outside: every figure the delivery contract speaks of, duplicates
/// included (the ones the ClickHouse engine absorbs are reported, not hidden).
/// </summary>
public sealed record ContractAudit(
    long RowsFinal, long DistinctIds, long RawRows, long RedisIds, long RedisEvents,
    long Alerts, long AlertRowsRaw, long AlertStreamEntries,
    long OutputRecords, long OutputDistinct, long DeadLetters, long DeadLetterDistinct, bool CommittedToEnd, long RangesStoredTwice)
{
    public static async Task<ContractAudit> Take(PipelineHarness harness, string rule)
    {
        var (rows, distinct) = await harness.ClickHouseCounts();
        var raw = long.Parse((await harness.Query($"SELECT count() FROM {harness.Database}.siem_events FORMAT TabSeparated")).Trim());
        var (redisIds, redisEvents) = await harness.RedisCounts();
        var (alerts, alertEntries) = await harness.Alerts(rule);
        var alertRows = long.Parse((await harness.Query(
            $"SELECT count() FROM {harness.Database}.alerts WHERE rule = '{rule}' FORMAT TabSeparated")).Trim());
        var output = ReadToEnd(harness, PipelineHarness.Processed, 4);
        var outputIds = output.Select(Id).ToList();
        var dead = ReadToEnd(harness, PipelineHarness.DeadLetters, harness.DeadLetterPartitions);
        var deadOrigins = dead.Select(r => $"{Header(r, "siem.dlq.partition")}/{Header(r, "siem.dlq.offset")}").ToList();
        return new ContractAudit(rows, distinct, raw, redisIds, redisEvents, alerts.Count, alertRows, alertEntries,
            outputIds.Count, outputIds.Distinct().LongCount(), deadOrigins.Count, deadOrigins.Distinct().LongCount(),
            harness.Committed().SequenceEqual(harness.EndOffsets()), await LedgerOverlaps(harness));
    }

    /// <summary>
    /// The audit once every alert and dead letter has arrived (alerts are published after the commit they follow; dead
    /// letters are read from the topic as it fills).
    /// </summary>
    public static async Task<ContractAudit> WhenComplete(PipelineHarness harness, int deadLetters, TimeSpan within)
    {
        ContractAudit? audit = null;
        await Eventually.True(async () =>
            {
                audit = await Take(harness, ContractWorld.Rule);
                return audit.Alerts >= ContractWorld.Attackers && audit.AlertStreamEntries >= ContractWorld.Attackers && audit.DeadLetterDistinct >= deadLetters;
            },
            within, () => $"{audit}\n{harness.Tail()}");
        return audit!;
    }

    /// <summary>
    /// Offsets the ClickHouse ledger says were stored more than once: "after" ranges of a partition that overlap an
    /// earlier one. A writer skips what the ledger marks as stored, so an overlap is a batch written by a node that
    /// did not know the partition had moved on (a stale owner), or two writers at once.
    /// </summary>
    public static async Task<long> LedgerOverlaps(PipelineHarness harness)
    {
        var text = await harness.Query(
            $"SELECT topic, partition, first_offset, last_offset FROM {harness.Database}.siem_events_ledger WHERE state = 2 " +
            "ORDER BY topic, partition, first_offset, last_offset FORMAT TabSeparated");
        long overlaps = 0;
        (string, string) current = ("", "");
        long highest = -1;
        foreach (var f in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')))
        {
            if ((f[0], f[1]) != current)
            {
                current = (f[0], f[1]);
                highest = -1;
            }
            var (first, last) = (long.Parse(f[2]), long.Parse(f[3]));
            if (first <= highest) overlaps += Math.Min(last, highest) - first + 1;
            highest = Math.Max(highest, last);
        }
        return overlaps;
    }

    public override string ToString() =>
        $"ClickHouse {RowsFinal} rows FINAL / {DistinctIds} ids / {RawRows} raw rows ({RawRows - RowsFinal} duplicates absorbed by the engine); " +
        $"Redis {RedisIds} event ids / {RedisEvents} events in the streams; alerts {Alerts} FINAL / {AlertRowsRaw} raw rows / {AlertStreamEntries} stream entries; " +
        $"Kafka output {OutputRecords} records / {OutputDistinct} events ({OutputRecords - OutputDistinct} duplicates, at least once); " +
        $"dead letters {DeadLetters} / {DeadLetterDistinct} records ({DeadLetters - DeadLetterDistinct} duplicates); committed to the end: {CommittedToEnd}; offsets the ledger shows stored twice: {RangesStoredTwice}";

    /// <summary>Every record of the topic, read up to each partition's end offset.</summary>
    private static List<ConsumeResult<byte[]?, byte[]?>> ReadToEnd(PipelineHarness harness, string topic, int partitions)
    {
        var ends = harness.EndOffsets(topic, partitions);
        var trimmed = Enumerable.Range(0, partitions).Where(p => harness.Watermarks(p, topic).Low > 0).ToList();
        if (trimmed.Count > 0)
            throw new InvalidOperationException($"the broker's retention removed the oldest records of {topic}[{string.Join(",", trimmed)}]: they cannot be counted");
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "audit-" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Where(p => ends[p] > 0).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var next = new long[partitions];
        while (Enumerable.Range(0, partitions).Any(p => next[p] < ends[p]))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{topic}: read {records.Count} records, not to the end offsets {string.Join(",", ends)}");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { IsPartitionEOF: false } r) continue;
            records.Add(r);
            next[r.Partition.Value] = r.Offset.Value + 1;
        }
        return records;
    }

    private static string Id(ConsumeResult<byte[]?, byte[]?> record)
    {
        using var json = System.Text.Json.JsonDocument.Parse(record.Message.Value ?? []);
        return json.RootElement.GetProperty("event_id").GetString() ?? "";
    }

    private static string Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : "";
}
