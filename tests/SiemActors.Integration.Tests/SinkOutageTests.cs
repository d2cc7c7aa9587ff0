using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The sinks' servers are really taken down for 20 s mid-stream — killed by PID, as in a crash — and started again.
/// </summary>
public sealed class SinkOutageTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("clickhouse")]
    [InlineData("redis")]
    public async Task While_a_sink_is_down_for_20_seconds_the_pipeline_waits_then_stores_everything_once(string sink)
    {
        const int total = 20_000;
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl);
        var node = harness.StartNode();
        var producing = harness.ProduceAsync(0, total, perSecond: 1_000);

        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 2_000, "2,000 events stored before the outage", TimeSpan.FromMinutes(2));
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} crashing {sink}; stored {(await harness.ClickHouseCounts()).Rows}, committed {harness.Committed().Sum()}");
        await services.Crash(sink);
        var committedAtStop = harness.Committed().Sum();
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {sink} down with {committedAtStop} committed");
        await Task.Delay(Outage); // the outage itself: production goes on, nothing can be stored
        var committedBeforeRestart = harness.Committed().Sum();
        await services.Start(sink);
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {sink} started again; {committedBeforeRestart} committed at the end of the outage");

        await producing;
        await harness.UntilAllStored(total, TimeSpan.FromMinutes(3));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        // Batches in flight when the sink went down may commit; nothing produced during the outage can.
        Assert.True(committedBeforeRestart < committedAtStop + 1_000, $"{committedBeforeRestart - committedAtStop} committed while {sink} was down");
        Assert.Equal(((long)total, (long)total), await harness.ClickHouseCounts());
        Assert.Equal(((long)total, (long)total), await harness.RedisCounts());
        Assert.Equal(harness.EndOffsets(), harness.Committed());
    }

}
