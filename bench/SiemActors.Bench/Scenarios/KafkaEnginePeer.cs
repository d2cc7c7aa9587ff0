using System.Diagnostics;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The peer on this machine: ClickHouse's own Kafka table engine and a materialized view reading a topic of JSON events
/// into a MergeTree table — parsing and storing only: no normalization, no Redis, no exactly-once. ClickHouse 18.16's
/// consumer starts at the end of the topic, so the view is created first and probe events are produced until one
/// arrives (the consumer has joined); then the events are produced and timed from the first produced until every one
/// is in the table, with ClickHouse's CPU over that span (/proc).
/// </summary>
internal static class KafkaEnginePeer
{
    /// <summary>What the peer stored of <paramref name="Events"/> in <paramref name="Seconds"/>; a failure says why it stopped short.</summary>
    public sealed record Result(long Events, double Seconds, double ClickHouseCpuSeconds, string? Failure, long Stored = 0)
    {
        public double PerSecond => (Failure is null ? Events : Stored) / Seconds;

        public double CpuMicrosPerEvent => ClickHouseCpuSeconds * 1e6 / (Failure is null ? Events : Stored);
    }

    public static async Task<Result> RunAsync(HttpClient http, string database, string bootstrap, string topic, long events, Action<long> probe,
        Action<Func<long>, CancellationToken> produce)
    {
        var pid = NodeStats.FindByCommandLine("clickhouse-server");
        const string columns = "id String, timestamp String, host String, source_type String, severity String, message String, src_ip String, " +
                               "user String, action String, outcome String";
        long probes = 0;
        probe(probes++); // the topic must exist before the engine subscribes: it would not see it for minutes
        await BenchClickHouse.PostAsync(http, $"CREATE TABLE {database}.peer_queue ({columns}) ENGINE = Kafka('{bootstrap}', '{topic}', 'peer-{database}', 'JSONEachRow')");
        await BenchClickHouse.PostAsync(http, $"CREATE TABLE {database}.peer_events ({columns}) ENGINE = MergeTree() ORDER BY (source_type, id)");
        await BenchClickHouse.PostAsync(http, $"CREATE MATERIALIZED VIEW {database}.peer_view TO {database}.peer_events AS SELECT * FROM {database}.peer_queue");
        var joining = Stopwatch.StartNew();
        // A probe every 3 s, not faster: the 18.16 engine writes a block when a poll finds nothing new for a while (or
        // the block is full), so a steady trickle of probes would never be written.
        while (await Count(http, database, probes: true) == 0)
        {
            if (joining.Elapsed > TimeSpan.FromMinutes(2))
                return new Result(0, double.NaN, double.NaN, "no probe event reached the table within two minutes (the engine's consumer did not join)");
            if (joining.Elapsed.TotalSeconds > probes * 3) probe(probes++);
            await Task.Delay(200);
        }
        var cpu0 = pid is { } p0 ? NodeStats.CpuTime(p0) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        long stored = 0;
        using var giveUp = new CancellationTokenSource();
        var producing = Task.Run(() => produce(() => Interlocked.Read(ref stored), giveUp.Token));
        string? failure = null;
        var lastGrowth = Stopwatch.StartNew();
        while (true)
        {
            var now = await Count(http, database, probes: false);
            if (now > Interlocked.Exchange(ref stored, now)) lastGrowth.Restart();
            if (now >= events) break;
            // The 18.16 engine stalls for good at times (seen here on kcat's mock: 17,889 of 100,000; 77,500 of 400,000).
            if (lastGrowth.Elapsed > TimeSpan.FromSeconds(30)) failure = $"stalled at {now:N0} of {events:N0} events (no new row for 30 s)";
            else if (clock.Elapsed > TimeSpan.FromMinutes(3)) failure = $"stored {now:N0} of {events:N0} within 3 minutes";
            if (failure is not null) break;
            await Task.Delay(100);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await giveUp.CancelAsync();
        var cpu = pid is { } p1 ? (NodeStats.CpuTime(p1) - cpu0).TotalSeconds : double.NaN;
        await BenchClickHouse.PostAsync(http, $"DROP TABLE IF EXISTS {database}.peer_view");
        await BenchClickHouse.PostAsync(http, $"DROP TABLE IF EXISTS {database}.peer_queue");
        return new Result(events, seconds, cpu, failure, stored);
    }

    /// <summary>Rows in the peer's table: all of them, or only the measured events (probes have ids "bench--…").</summary>
    private static Task<long> Count(HttpClient http, string database, bool probes) =>
        BenchClickHouse.ScalarAsync(http, $"SELECT count() FROM {database}.peer_events{(probes ? "" : " WHERE id NOT LIKE 'bench--%'")}");
}
