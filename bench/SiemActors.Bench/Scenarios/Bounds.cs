using System.Diagnostics;
using Confluent.Kafka;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Domain.Serialization;
using StackExchange.Redis;

namespace SiemActors.Bench.Scenarios;

/// <summary>What one stage alone does on this machine, on the run's own data: the bounds the pipeline is measured against.</summary>
internal sealed record BoundResult(string Name, long Items, double Seconds, string What)
{
    public double PerSecond => Items / Seconds;
}

/// <summary>
/// The bounds of a run, measured after the node stopped, on the same data: the topic read by one plain Confluent.Kafka
/// consumer; the node's own rows (exported as the RowBinary it sent) inserted again in one HTTP insert; the node's
/// Redis writes (the events' JSON as entries of their sources' streams, in the node's layout) sent pipelined, without
/// the script, the idempotency or the marks.
/// </summary>
internal static class Bounds
{
    private const string Columns = SiemActors.Sinks.ClickHouse.EventRows.Columns;

    /// <summary>Reads every record of the topic from the beginning (partitions assigned, no group join); keeps their values.</summary>
    public static (BoundResult Result, List<(byte[] Value, int Partition, long Offset, long Timestamp)> Records) RawConsume(
        string bootstrap, string topic, int partitions, long total)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "bench-raw-" + Guid.NewGuid().ToString("N")[..8], EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<(byte[], int, long, long)>((int)total);
        Stopwatch? clock = null;
        var deadline = Stopwatch.StartNew();
        while (records.Count < total && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            var r = consumer.Consume(TimeSpan.FromSeconds(1));
            if (r is null || r.IsPartitionEOF) continue;
            clock ??= Stopwatch.StartNew();
            records.Add((r.Message.Value, r.Partition.Value, r.Offset.Value, r.Message.Timestamp.UnixTimestampMs));
        }
        var seconds = clock?.Elapsed.TotalSeconds ?? double.NaN;
        return (new BoundResult("raw consume", records.Count, seconds, "one plain Confluent.Kafka consumer, every partition assigned, first record → last"),
            records);
    }

    /// <summary>Up to <paramref name="limit"/> of the node's rows, exported as RowBinary and inserted again into a copy in one insert.</summary>
    public static async Task<BoundResult> RawClickHouseAsync(HttpClient http, string database, long limit)
    {
        var rows = await (await BenchClickHouse.PostAsync(http, $"SELECT {Columns} FROM {database}.siem_events LIMIT {limit} FORMAT RowBinary")).Content.ReadAsByteArrayAsync();
        var count = Math.Min(limit, await BenchClickHouse.ScalarAsync(http, $"SELECT count() FROM {database}.siem_events"));
        await BenchClickHouse.PostAsync(http, $"CREATE TABLE {database}.raw_copy AS {database}.siem_events");
        var clock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(rows);
        using var response = await http.PostAsync("/?query=" + Uri.EscapeDataString($"INSERT INTO {database}.raw_copy ({Columns}) FORMAT RowBinary"), content);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException("raw insert failed: " + await response.Content.ReadAsStringAsync());
        return new BoundResult("raw ClickHouse insert", count, clock.Elapsed.TotalSeconds,
            $"the node's {count:N0} rows ({rows.Length / 1048576.0:N0} MiB RowBinary) in one HTTP insert");
    }

    /// <summary>
    /// Each event's JSON (as the node makes it) written as the node's layout holds it — per 5,000 events (a batch), one
    /// <c>XADD</c> per source with an <c>event</c> field per event (at most 1,000), trimmed by time — pipelined, without
    /// the script, the idempotency and the marks.
    /// </summary>
    public static async Task<BoundResult> RawRedisAsync(string connection, IReadOnlyList<(byte[] Value, int Partition, long Offset, long Timestamp)> records)
    {
        var normalizer = new EventNormalizer(new NormalizerLimits(1 << 20, 256, 16));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = new List<(string Stream, byte[] Json)>(records.Count);
        var prefix = "bench_raw_" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (value, partition, offset, timestamp) in records)
        {
            if (normalizer.Normalize(value, new KafkaOrigin("siem-events", partition, offset), timestamp, now).Event is not { } e) continue;
            var json = EventJson.ToUtf8(new EnrichedEvent(e, new HostEnrichment(now, 1, 1)));
            events.Add(($"{prefix}:stream:{{{e.Source}}}", json));
        }
        using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
        var db = redis.GetDatabase();
        var keep = (now - (long)BenchNode.EventTtl.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        foreach (var chunk in events.Chunk(5000)) await Task.WhenAll(BenchRedis.AddStreamEntries(db, chunk, keep));
        var seconds = clock.Elapsed.TotalSeconds;
        await BenchRedis.DeletePrefixAsync(connection, prefix);
        return new BoundResult("raw Redis writes", events.Count, seconds,
            "per 5,000 events one XADD per source with the events as fields (MINID ~), pipelined: the node's layout without script, idempotency and marks");
    }
}
