using System.Text;
using Confluent.Kafka;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// What the stores hold after a run, counted from outside: every figure the delivery contract speaks of, duplicates
/// included (the ones the ClickHouse engine absorbs are reported, not hidden).
/// </summary>
public sealed record ContractAudit(
    long RowsFinal, long DistinctIds, long RawRows, long RedisKeys, long StreamEntries,
    long Alerts, long AlertRowsRaw, long AlertStreamEntries,
    long OutputRecords, long OutputDistinct, long DeadLetters, long DeadLetterDistinct, bool CommittedToEnd)
{
    public static async Task<ContractAudit> Take(PipelineHarness harness, string rule)
    {
        var (rows, distinct) = await harness.ClickHouseCounts();
        var raw = long.Parse((await harness.Query($"SELECT count() FROM {harness.Database}.siem_events FORMAT TabSeparated")).Trim());
        var (keys, entries) = await harness.RedisCounts();
        var (alerts, alertEntries) = await harness.Alerts(rule);
        var alertRows = long.Parse((await harness.Query(
            $"SELECT count() FROM {harness.Database}.alerts WHERE rule = '{rule}' FORMAT TabSeparated")).Trim());
        var output = ReadToEnd(harness, PipelineHarness.Processed, 4);
        var outputIds = output.Select(Id).ToList();
        var dead = ReadToEnd(harness, PipelineHarness.DeadLetters, harness.DeadLetterPartitions);
        var deadOrigins = dead.Select(r => $"{Header(r, "siem.dlq.partition")}/{Header(r, "siem.dlq.offset")}").ToList();
        return new ContractAudit(rows, distinct, raw, keys, entries, alerts.Count, alertRows, alertEntries,
            outputIds.Count, outputIds.Distinct().LongCount(), deadOrigins.Count, deadOrigins.Distinct().LongCount(),
            harness.Committed().SequenceEqual(harness.EndOffsets()));
    }

    public override string ToString() =>
        $"ClickHouse {RowsFinal} rows FINAL / {DistinctIds} ids / {RawRows} raw rows ({RawRows - RowsFinal} duplicates absorbed by the engine); " +
        $"Redis {RedisKeys} keys / {StreamEntries} stream entries; alerts {Alerts} FINAL / {AlertRowsRaw} raw rows / {AlertStreamEntries} stream entries; " +
        $"Kafka output {OutputRecords} records / {OutputDistinct} events ({OutputRecords - OutputDistinct} duplicates, at least once); " +
        $"dead letters {DeadLetters} / {DeadLetterDistinct} records ({DeadLetters - DeadLetterDistinct} duplicates); committed to the end: {CommittedToEnd}";

    /// <summary>Every record of the topic, read up to each partition's end offset.</summary>
    private static List<ConsumeResult<byte[]?, byte[]?>> ReadToEnd(PipelineHarness harness, string topic, int partitions)
    {
        var ends = harness.EndOffsets(topic, partitions);
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
