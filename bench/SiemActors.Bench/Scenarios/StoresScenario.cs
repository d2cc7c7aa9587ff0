using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Bench.Scenarios;

/// <summary>One store target's figures: the sink's own writer, many partitions at once, as the pipeline drives it.</summary>
internal sealed record StoreResult(string Store, string Target, int Servers, long Events, double Seconds, double ServerCpuSeconds, double PrimaryCpuSeconds)
{
    /// <summary>CPU of the masters (Redis) or of the replicas written to (ClickHouse) per event: what bounds one of them.</summary>
    public double PrimaryCpuMicrosPerEvent => PrimaryCpuSeconds * 1e6 / Events;

    /// <summary>Events/s one master or shard can take with a core of its own: 1 s of CPU over its cost per event.</summary>
    public double PerServerAtOneCore => PrimaryCpuSeconds > 0 ? 1e6 / PrimaryCpuMicrosPerEvent * Servers : 0;

    public double PerSecond => Events / Seconds;

    /// <summary>Events/s per master or shard: what one more of them adds while the stores' machine has CPU to spare.</summary>
    public double PerServer => PerSecond / Servers;

    /// <summary>CPU of the store's servers (masters and replicas) per event.</summary>
    public double CpuMicrosPerEvent => ServerCpuSeconds * 1e6 / Events;
}

/// <summary>
/// The stores side by side on the same events in one run (<c>siem-bench stores</c>): the Redis sink on one server and on
/// a Redis Cluster (with and without WAIT), the ClickHouse sink on one server and on a cluster of shards x replicas.
/// Each writes <c>events</c> events as batches of 500 over <c>partitions</c> partitions, every partition's batches in
/// order and all partitions at once; the servers' CPU is read from /proc (their processes found by port).
/// </summary>
internal sealed class StoresScenario(int events, int partitions)
{
    private const int BatchSize = 500;
    private static readonly string[] Sources = ["firewall", "sshd", "nginx", "windows", "dns"];

    public async Task<List<StoreResult>> RunAsync(string redis, string? redisCluster, string clickHouse, string? clickHouseCluster)
    {
        var batches = Batches();
        var results = new List<StoreResult>
        {
            await RedisAsync("one server", redis, 0, batches),
        };
        if (redisCluster is not null)
        {
            results.Add(await RedisAsync("cluster, WAIT 1 replica", redisCluster, 1, batches));
            results.Add(await RedisAsync("cluster, no WAIT", redisCluster, 0, batches));
        }
        results.Add(await ClickHouseAsync("one server", clickHouse, null, batches));
        if (clickHouseCluster is not null) results.Add(await ClickHouseAsync("cluster", clickHouseCluster.Split(';')[0].Split(',')[0], clickHouseCluster, batches));
        return results;
    }

    private List<EventBatch> Batches()
    {
        var normalizer = new EventNormalizer(new NormalizerLimits(1 << 20, 256, 16));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var byPartition = new List<EnrichedEvent>[partitions];
        for (var p = 0; p < partitions; p++) byPartition[p] = [];
        for (var i = 0; i < events; i++)
        {
            var p = i % partitions;
            var json = SampleEvents.Json(i);
            var e = normalizer.Normalize(json, new KafkaOrigin("siem-events", p, byPartition[p].Count), now, now).Event!;
            byPartition[p].Add(new EnrichedEvent(e, new HostEnrichment(now, byPartition[p].Count + 1, 1)));
        }
        var batches = new List<EventBatch>();
        for (var p = 0; p < partitions; p++)
        {
            foreach (var chunk in byPartition[p].Chunk(BatchSize))
                batches.Add(new EventBatch("siem-events", p, chunk[0].Event.Origin.Offset, chunk[^1].Event.Origin.Offset, chunk.ToList()));
        }
        return batches;
    }

    /// <summary>Every partition's batches in order, all partitions at once.</summary>
    private static async Task<double> DriveAsync(List<EventBatch> batches, Func<EventBatch, Task> write)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(batches.GroupBy(b => b.Partition).Select(async partition =>
        {
            foreach (var batch in partition) await write(batch);
        }));
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<StoreResult> RedisAsync(string target, string connection, int waitReplicas, List<EventBatch> batches)
    {
        var prefix = "bench_stores_" + Guid.NewGuid().ToString("N")[..8];
        var settings = RedisSinkSettings.Create(ConfigurationFactory.ParseString(
            $"siem.sinks.redis {{ connection = \"{connection}\", key-prefix = \"{prefix}\", wait-replicas = {waitReplicas} }}"));
        using var redis = await RedisEventWriter.ConnectAsync(settings);
        var writer = new RedisEventWriter(redis, settings, NoLogger.Instance);
        var servers = redis.GetServers().Where(s => s.IsConnected).ToList();
        var masters = servers.Count(s => !s.IsReplica);
        var pids = new List<int?>();
        foreach (var s in servers) pids.Add(await RedisPid(s));
        var masterPids = pids.Where((_, i) => !servers[i].IsReplica).ToList();
        var cpu = Cpu(pids);
        var masterCpu = Cpu(masterPids);
        var seconds = await DriveAsync(batches, b => writer.WriteAsync(b));
        var used = Cpu(pids) - cpu;
        var usedByMasters = Cpu(masterPids) - masterCpu;
        foreach (var server in servers.Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + ":*", pageSize: 10_000)) await redis.GetDatabase().KeyDeleteAsync(key, CommandFlags.FireAndForget);
        }
        Console.WriteLine($"  Redis {target}: {events / seconds:N0} events/s, {masters} master(s), server CPU {used * 1e6 / events:N1} µs/event (masters {usedByMasters * 1e6 / events:N1})");
        return new StoreResult("Redis", target, masters, events, seconds, used, usedByMasters);
    }

    private async Task<StoreResult> ClickHouseAsync(string target, string url, string? shards, List<EventBatch> batches)
    {
        var database = "bench_stores_" + Guid.NewGuid().ToString("N")[..8];
        var cluster = shards is null ? "" : $"cluster {{ name = siem, shards = [{string.Join(",", shards.Split(';').Select(s => $"\"{s}\""))}] }}";
        var settings = ClickHouseSinkSettings.Create(ConfigurationFactory.ParseString(
            $"siem.sinks.clickhouse {{ url = \"{url}\", database = {database}\n {cluster} }}"));
        using var client = new ClickHouseHttpClient(settings, NoLogger.Instance);
        var writer = new ClickHouseEventWriter(client, settings, NoLogger.Instance);
        await writer.EnsureSchemaAsync();
        var urls = shards is null ? [url] : shards.Split(';').SelectMany(s => s.Split(',')).ToList();
        var pids = urls.Select(u => ServerPid($"--http_port={new Uri(u).Port}", new Uri(u).Port)).ToList();
        // The replicas written to: one server, or each shard's first replica (the others only fetch the parts).
        var writtenPids = shards is null ? pids : shards.Split(';').Select(s => ServerPid($"--http_port={new Uri(s.Split(',')[0]).Port}", 1)).ToList();
        var cpu = Cpu(pids);
        var writtenCpu = Cpu(writtenPids);
        var seconds = await DriveAsync(batches, b => writer.WriteAsync(b));
        var used = Cpu(pids) - cpu;
        var usedByWritten = Cpu(writtenPids) - writtenCpu;
        var shardCount = shards is null ? 1 : shards.Split(';').Length;
        foreach (var server in client.EveryServer())
        {
            using (server) await server.QueryAsync($"DROP DATABASE IF EXISTS {database}");
        }
        Console.WriteLine($"  ClickHouse {target}: {events / seconds:N0} rows/s, {shardCount} shard(s), server CPU {used * 1e6 / events:N1} µs/row (written-to replicas {usedByWritten * 1e6 / events:N1})");
        return new StoreResult("ClickHouse", target, shardCount, events, seconds, used, usedByWritten);
    }

    /// <summary>The ClickHouse server started with this HTTP port (scripts/services.sh passes it on the command line).</summary>
    private static int? ServerPid(string commandLine, int port) => port > 0 ? NodeStats.FindByCommandLine(commandLine) : null;

    private static async Task<int?> RedisPid(IServer server)
    {
        var info = (string)(await server.ExecuteAsync("INFO", "server"))!;
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("process_id:", StringComparison.Ordinal));
        return line is null ? null : int.Parse(line["process_id:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static double Cpu(IEnumerable<int?> pids) => pids.Where(p => p is not null).Sum(p => NodeStats.CpuTime(p!.Value).TotalSeconds);

    public static string Table(IReadOnlyList<StoreResult> results)
    {
        var b = new System.Text.StringBuilder();
        b.AppendLine("| store | target | masters / shards | events/s measured | per master or shard | all servers' CPU µs/event | masters' (written replicas') CPU µs/event | events/s at one core per master or shard |");
        b.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            b.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Store} | {r.Target} | {r.Servers} | {r.PerSecond:N0} | {r.PerServer:N0} | {r.CpuMicrosPerEvent:N1} | {r.PrimaryCpuMicrosPerEvent:N1} | {r.PerServerAtOneCore:N0} |");
        return b.ToString();
    }
}
