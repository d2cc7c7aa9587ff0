using SiemActors.Fuzz;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The short fuzz campaign through a running node (siem-bench fuzz runs the long one): hostile records of every format
/// and marker events, from a fixed seed and then from a random one (printed on failure); the node never stops, every
/// record ends stored or dead-lettered, every marker is stored once, no partition stalls.
/// </summary>
public sealed class FuzzTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private const int FixedSeed = 16;

    [Fact]
    public async Task Hostile_records_through_a_running_node_all_end_stored_or_dead_lettered_and_the_node_never_stops()
    {
        var services = fixture.Services;
        // 16 dead-letter partitions: a quarter of the records are dead-lettered, and the embedded broker keeps ~5 MiB a partition.
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, deadLetterPartitions: 16);
        var node = harness.StartNode();
        var target = new FuzzTarget(harness.Kafka.BootstrapServers, PipelineHarness.Events, PipelineHarness.Partitions, PipelineHarness.DeadLetters, harness.DeadLetterPartitions,
            harness.Group, services.ClickHouseUrl, harness.Database, services.RedisEndpoint, harness.KeyPrefix, 1_048_576, () => !node.HasExited);

        var randomSeed = Random.Shared.Next();
        foreach (var (seed, records) in new[] { (FixedSeed, 20_000), (randomSeed, 5_000) })
        {
            var report = await new FuzzCampaign(target, seed, records, markerEvery: 10, stallBound: TimeSpan.FromSeconds(90), output.WriteLine).RunAsync();
            output.WriteLine(report.Summary());
            Assert.True(report.Passed, $"fuzz seed {seed} failed (run it again with: siem-bench fuzz --records {records} --seed {seed}):\n{report.Summary()}\n{harness.Tail()}");
            Assert.True(report.Stored > 0 && report.DeadLettered > 0, report.Summary());
        }
        Assert.False(node.HasExited);
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }
}
