using System.Diagnostics;
using SiemActors.Fuzz;
using SiemActors.Kafka.Embedded;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The fuzz campaign (<c>siem-bench fuzz</c>, docs/reliability.md) on the embedded default: one node with every role as
/// its own process, the in-process broker (16 partitions, and 64 for the dead letters: the broker keeps ~5 MiB a
/// partition), hostile records from a seed until <paramref name="records"/>, then every record accounted for.
/// </summary>
internal sealed class FuzzScenario(int records, int seed, string redis, string clickHouse, string nodeConfig)
{
    public const int Partitions = 16;

    /// <summary>A quarter of the records are dead-lettered, and the embedded broker keeps ~5 MiB a partition: room for the check to read them.</summary>
    public const int DeadLetterPartitions = 64;

    public async Task<FuzzReport> RunAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(clickHouse), Timeout = TimeSpan.FromMinutes(5) };
        await http.GetStringAsync("/ping");
        using var kafka = EmbeddedKafkaCluster.Start(brokerCount: 1, initialRebalanceDelay: TimeSpan.Zero);
        kafka.CreateTopic("siem-events", Partitions);
        kafka.CreateTopic("siem-events-dlq", DeadLetterPartitions);
        // Every marker must stay in its live stream until the check reads it: the streams keep events (event-ttl) as long as the run may take.
        await using var node = await BenchNode.StartAsync(http, kafka.BootstrapServers, redis, clickHouse,
            "siem.sinks.redis { event-ttl = 6h }\n" + nodeConfig);
        var started = Stopwatch.StartNew();
        while (!await node.AssignedAsync(Partitions))
        {
            node.Check(started, TimeSpan.FromMinutes(2));
            await Task.Delay(200);
        }
        var target = new FuzzTarget(kafka.BootstrapServers, "siem-events", Partitions, "siem-events-dlq", DeadLetterPartitions, node.Group, clickHouse,
            node.Database, redis, node.Database, 1_048_576, () => !node.Process.HasExited);
        var report = await new FuzzCampaign(target, seed, records, markerEvery: 10, stallBound: TimeSpan.FromMinutes(2), Console.WriteLine).RunAsync();
        Console.WriteLine($"node: {(node.Process.HasExited ? $"EXITED with {node.Process.ExitCode}" : "running")} (pid {node.Process.Id}); log: {node.Directory}/node.log");
        return report;
    }
}
