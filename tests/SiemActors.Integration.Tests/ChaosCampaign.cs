using System.Diagnostics;
using System.Text.Json;
using SiemActors.Integration.Tests.Network;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The long fault campaign, run by <c>scripts/chaos.sh</c> (not by the test command: it is trait <c>Campaign</c>).
/// <c>CHAOS_NODES</c> nodes on hosts of their own, <c>CHAOS_EVENTS</c> records produced at <c>CHAOS_RATE</c>/s, and
/// every 20–40 s (seeded by <c>CHAOS_SEED</c>, printed) one fault drawn from the catalogue of
/// <see cref="LabCluster"/> — cuts, pauses, slow links, store restarts, leader moves — or a SIGKILL of a node; then a
/// full audit of every store. The summary goes to the output and, as JSON, to <c>CHAOS_RESULT</c>.
/// </summary>
[Trait("Category", "Campaign")]
public sealed class ChaosCampaign(ITestOutputHelper output)
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    [Fact]
    public async Task Campaign()
    {
        var nodes = Setting("CHAOS_NODES", 3);
        var events = Setting("CHAOS_EVENTS", 1_000_000);
        var rate = Setting("CHAOS_RATE", 2_000);
        var seed = Setting("CHAOS_SEED", Environment.TickCount & 0x7fffffff);
        var random = new Random(seed);
        output.WriteLine($"chaos: {nodes} nodes, {events} records at {rate}/s, seed {seed}");
        Console.WriteLine($"chaos: {nodes} nodes, {events} records at {rate}/s, seed {seed}");
        Assert.Null(NetworkLab.Unavailable());

        await using var services = new DedicatedServices();
        await services.StartFirstAsync();
        // No Kafka output: the embedded broker keeps only ~5 MiB of each partition, so an output of millions could not be
        // read back whole for the audit (the crash-point and short network tests audit it).
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl,
            ContractWorld.Config(attackSpan: 50_000).Replace("destinations = [redis, clickhouse, kafka]", "destinations = [redis, clickhouse]")
            + "\nakka.cluster.split-brain-resolver.stable-after = 5s\nsiem.sinks.redis.event-ttl = 12h",
            // The dead letters (1 in 50 records) must stay whole for the audit: the embedded broker keeps ~5 MiB a partition.
            deadLetterPartitions: Math.Max(4, events / 50 * 600 / (4 * 1024 * 1024) + 1), brokers: 3);
        using var lab = new NetworkLab(nodes);
        using var storage = new LabStorage(lab, harness, services.RedisEndpoint, services.ClickHouseUrl);
        var cluster = new LabCluster(harness, lab, storage, services);
        await cluster.StartAsync(Patience);

        using var stop = new CancellationTokenSource(); // never cancelled: the campaign ends when every record is produced
        var clock = Stopwatch.StartNew();
        var producing = harness.ProduceUntilAsync(rate, ContractWorld.Records(50_000), stop.Token, events);
        var records = new List<FaultRecord>();
        var round = 0;
        while (!producing.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromSeconds(random.Next(20, 41)));
            var node = random.Next(nodes);
            var fault = random.Next(8) switch
            {
                0 => cluster.Isolate(node, Hold),
                1 => cluster.CutFromStorage(node, Hold),
                2 => cluster.Freeze(node, Hold),
                3 => cluster.SlowStorageLinks(Hold),
                4 => cluster.RestartRedis(),
                5 => cluster.RestartClickHouse(),
                6 => cluster.MoveLeaders(++round),
                _ => cluster.Kill(node),
            };
            var record = await FaultRecord.Run(fault, cluster, harness, Patience);
            output.WriteLine(record.ToString());
            Console.WriteLine($"chaos {clock.Elapsed:hh\\:mm\\:ss}: {record}");
            records.Add(record);
        }
        var produced = await producing;
        var bad = ContractWorld.Bad(produced);
        var good = produced - bad;
        await harness.UntilAllStored(good, Patience);
        var audit = await ContractAudit.WhenComplete(harness, bad, Patience);
        var summary = new
        {
            date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'"), seed, nodes, rate, produced, good, unparsable = bad, seconds = (int)clock.Elapsed.TotalSeconds,
            faults = records, lost = good - audit.DistinctIds, stored_twice_after_merge = audit.RowsFinal - audit.DistinctIds,
            raw_rows_before_merge = audit.RawRows, audit,
        };
        var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, // p99 of a window with no events: NaN
        });
        output.WriteLine(json);
        Console.WriteLine(json);
        if (Environment.GetEnvironmentVariable("CHAOS_RESULT") is { Length: > 0 } file) await File.WriteAllTextAsync(file, json);

        Assert.Equal((good, good), (audit.RowsFinal, audit.DistinctIds));
        Assert.Equal((good, good), (audit.RedisIds, audit.RedisEvents));
        Assert.Equal((ContractWorld.Attackers, ContractWorld.Attackers), (audit.Alerts, audit.AlertStreamEntries));
        Assert.Equal(bad, audit.DeadLetterDistinct);
        Assert.True(audit.CommittedToEnd);
        // A node exits only when the cluster downed it (3) or the campaign killed it (137), never because its pipeline failed.
        Assert.All(cluster.ExitCodes, code => Assert.Contains(code, new[] { 3, 137 }));
    }
}
