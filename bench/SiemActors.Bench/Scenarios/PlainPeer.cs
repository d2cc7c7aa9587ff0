using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using StackExchange.Redis;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// <b>A baseline written for comparison, not part of the product</b>: the same path as a team typically writes it without
/// an actor system — one process, one Confluent.Kafka consumer in a loop, batches of up to 5,000 records or 100 ms, each
/// record parsed (the product's own parsers: the formats need them) into an event serialized with System.Text.Json,
/// the batch inserted into ClickHouse as <c>JSONEachRow</c> and written to Redis as the node lays it out
/// (<see cref="BenchRedis.AddStreamEntries"/>), then the offsets committed: at-least-once (a crash between the
/// writes and the commit writes the batch again), no idempotency, no enrichment, no detection, no dead letters (an
/// unparsable record is skipped). Runs after the node stopped, on the same topic, as a process of its own
/// (<c>siem-bench baseline</c>, started by <see cref="RunInProcessAsync"/>): its CPU time is its own, without the
/// harness's in-process broker.
/// </summary>
internal static class PlainPeer
{
    public sealed record Result(long Events, double Seconds, double CpuMicrosPerEvent)
    {
        public double PerSecond => Events / Seconds;
    }

    /// <summary>The event as the baseline stores it: a flat object, the attributes as a JSON text.</summary>
    private sealed record Row(
        [property: JsonPropertyName("event_id")] string EventId,
        [property: JsonPropertyName("timestamp")] long Timestamp,
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("host")] string Host,
        [property: JsonPropertyName("severity")] string Severity,
        [property: JsonPropertyName("category")] string? Category,
        [property: JsonPropertyName("action")] string? Action,
        [property: JsonPropertyName("outcome")] string? Outcome,
        [property: JsonPropertyName("src_ip")] string? SrcIp,
        [property: JsonPropertyName("src_port")] int? SrcPort,
        [property: JsonPropertyName("dst_ip")] string? DstIp,
        [property: JsonPropertyName("dst_port")] int? DstPort,
        [property: JsonPropertyName("user")] string? User,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("attributes")] string Attributes);

    private const string Table = """
        CREATE TABLE {0}.plain_events (
          event_id String, timestamp Int64, source String, host String, severity String,
          category Nullable(String), action Nullable(String), outcome Nullable(String),
          src_ip Nullable(String), src_port Nullable(Int32), dst_ip Nullable(String), dst_port Nullable(Int32),
          user Nullable(String), message String, attributes String
        ) ENGINE = MergeTree ORDER BY (source, timestamp)
        """;

    /// <summary>Runs the baseline as its own process (<c>siem-bench baseline …</c>) and reads its result.</summary>
    public static async Task<Result> RunInProcessAsync(string bootstrap, string topic, long records, string clickHouse, string database, string redis)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "siem-bench.dll"), "baseline", "--bootstrap", bootstrap, "--topic", topic,
                     "--events", records.ToString(System.Globalization.CultureInfo.InvariantCulture), "--clickhouse", clickHouse, "--database", database,
                     "--redis", redis })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(10)).Token);
        var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        if (process.ExitCode != 0 || !last.StartsWith('{'))
            throw new InvalidOperationException($"the baseline failed (exit {process.ExitCode}): {last} {await errors}");
        return JsonSerializer.Deserialize<Result>(last)!;
    }

    public static async Task<Result> RunAsync(string bootstrap, string topic, long records, HttpClient clickHouse, string database, string redisConnection)
    {
        await BenchClickHouse.PostAsync(clickHouse, string.Format(System.Globalization.CultureInfo.InvariantCulture, Table, database));
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var db = redis.GetDatabase();
        var prefix = "bench_plain_" + Guid.NewGuid().ToString("N")[..8];
        var normalizer = new EventNormalizer(new NormalizerLimits(1 << 20, 256, 16));
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = prefix, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 50,
        }).Build();
        consumer.Subscribe(topic);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Stopwatch? clock = null;
        long consumed = 0;
        var idle = Stopwatch.StartNew();
        while (consumed < records && idle.Elapsed < TimeSpan.FromSeconds(30))
        {
            var batch = new List<ConsumeResult<Ignore, byte[]>>(5000);
            var window = Stopwatch.StartNew();
            while (batch.Count < 5000 && window.Elapsed < TimeSpan.FromMilliseconds(100) && consumed + batch.Count < records)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(20));
                if (r is null || r.IsPartitionEOF) continue;
                clock ??= Stopwatch.StartNew();
                batch.Add(r);
            }
            if (batch.Count == 0) continue;
            idle.Restart();
            await WriteAsync(batch, normalizer, clickHouse, database, db, prefix);
            consumer.Commit(batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1)));
            consumed += batch.Count;
        }
        var seconds = clock?.Elapsed.TotalSeconds ?? double.NaN;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        consumer.Close();
        await BenchRedis.DeletePrefixAsync(redisConnection, prefix);
        return new Result(consumed, seconds, used.TotalMicroseconds / Math.Max(1, consumed));
    }

    private static async Task WriteAsync(List<ConsumeResult<Ignore, byte[]>> batch, EventNormalizer normalizer, HttpClient clickHouse, string database,
        IDatabase redis, string prefix)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = new MemoryStream();
        var entries = new List<(string Stream, byte[] Json)>(batch.Count);
        foreach (var r in batch)
        {
            if (normalizer.Normalize(r.Message.Value, new KafkaOrigin(r.Topic, r.Partition.Value, r.Offset.Value), r.Message.Timestamp.UnixTimestampMs, now)
                    .Event is not { } e) continue;
            var json = JsonSerializer.SerializeToUtf8Bytes(new Row(e.EventId, e.Timestamp, e.Source, e.Host, e.Severity.ToString().ToLowerInvariant(),
                e.Category, e.Action, e.Outcome, e.SrcIp, e.SrcPort, e.DstIp, e.DstPort, e.User, e.Message, JsonSerializer.Serialize(e.Attributes)));
            body.Write(json);
            body.WriteByte((byte)'\n');
            entries.Add(($"{prefix}:stream:{{{e.Source}}}", json));
        }
        body.Position = 0;
        var insert = clickHouse.PostAsync("/?query=" + Uri.EscapeDataString($"INSERT INTO {database}.plain_events FORMAT JSONEachRow"), new StreamContent(body));
        var keep = (now - (long)BenchNode.EventTtl.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var streams = BenchRedis.AddStreamEntries(redis, entries, keep);
        using var response = await insert;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException("baseline insert failed: " + await response.Content.ReadAsStringAsync());
        await Task.WhenAll(streams);
    }
}
