using System.Text;
using SiemActors.Integration.Tests.Support;
using Xunit;

namespace SiemActors.Integration.Tests;

public sealed class PoisonInputTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    [Fact]
    public async Task Undecodable_records_mid_partition_are_dead_lettered_with_their_reason_and_everything_behind_them_is_stored()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, "siem.normalize.max-message-bytes = 2048");
        // Partition 0: 50 good, three bad ones, 50 good. Other partitions: good events only.
        await harness.ProduceRawAsync(0, Enumerable.Range(0, 50).Select(i => PipelineHarness.Event(i * 16)).ToArray());
        await harness.ProduceRawAsync(0, "this is not json"u8.ToArray(), "[1,2,3]"u8.ToArray(),
            Encoding.UTF8.GetBytes("{\"message\":\"" + new string('x', 3000) + "\"}"));
        await harness.ProduceRawAsync(0, Enumerable.Range(50, 50).Select(i => PipelineHarness.Event(i * 16)).ToArray());
        await harness.ProduceAsync(10_000, 1_000, perSecond: 100_000); // spread over all partitions

        var node = harness.StartNode();
        await harness.UntilAllStored(1_100, TimeSpan.FromMinutes(2));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        var dead = harness.DeadLettered(3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, dead.Count);
        string Header(int i, string name) => Encoding.UTF8.GetString(dead[i].Message.Headers.GetLastBytes(name));
        var byOffset = Enumerable.Range(0, 3).OrderBy(i => long.Parse(Header(i, "siem.dlq.offset"))).ToList();
        Assert.Equal(["not-json", "not-an-object", "too-large"], byOffset.Select(i => Header(i, "siem.dlq.reason")));
        Assert.Equal(["50", "51", "52"], byOffset.Select(i => Header(i, "siem.dlq.offset")));
        Assert.All(byOffset, i => Assert.Equal(("siem-events", "0"), (Header(i, "siem.dlq.topic"), Header(i, "siem.dlq.partition"))));
        Assert.Equal("this is not json", Encoding.UTF8.GetString(dead[byOffset[0]].Message.Value!));
        Assert.Equal((1_100L, 1_100L), await harness.ClickHouseCounts());
        Assert.Equal(harness.EndOffsets(), harness.Committed());
    }
}
