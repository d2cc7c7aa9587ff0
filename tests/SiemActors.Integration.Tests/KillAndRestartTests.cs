using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

public sealed class KillAndRestartTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_node_killed_twice_mid_stream_still_stores_every_event_exactly_once_and_commits_to_the_end()
    {
        const int total = 100_000;
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl);
        var node = harness.StartNode();
        var producing = harness.ProduceAsync(0, total, perSecond: 8_000);

        foreach (var killAt in new[] { 15_000, 50_000 })
        {
            await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= killAt, $"{killAt} events stored", Patience);
            node.Kill();
            output.WriteLine($"killed the node at {(await harness.ClickHouseCounts()).Rows} stored events");
            node = harness.StartNode();
        }
        await producing;
        await harness.UntilAllStored(total, Patience);
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        var (rows, distinct) = await harness.ClickHouseCounts();
        var (redisIds, redisEvents) = await harness.RedisCounts();
        output.WriteLine($"ClickHouse {rows} rows / {distinct} ids; Redis {redisIds} ids / {redisEvents} events");
        Assert.Equal((total, total), (rows, distinct));
        Assert.Equal((total, total), (redisIds, redisEvents));
        Assert.Equal(harness.EndOffsets(), harness.Committed());
    }

}
