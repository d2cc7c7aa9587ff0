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
        await harness.ProduceRawAsync(0, "{this is not json"u8.ToArray(), "[1,2,3]"u8.ToArray(),
            Encoding.UTF8.GetBytes("{\"message\":\"" + new string('x', 3000) + "\"}"));
        await harness.ProduceRawAsync(0, Enumerable.Range(50, 50).Select(i => PipelineHarness.Event(i * 16)).ToArray());
        await harness.ProduceAsync(10_000, 1_000, perSecond: 100_000); // spread over all partitions
        await harness.ProduceRawAsync(1, "<38>1 2026-11-27T04:00:01.5Z bastion-01 sshd 4242 - - Failed password for root from 203.0.113.5"u8.ToArray(),
            "<38>Nov 27 04:00:02 bastion-01 sshd[4242]: Accepted publickey for alice from 10.0.0.7"u8.ToArray());

        var node = harness.StartNode();
        await harness.UntilAllStored(1_102, TimeSpan.FromMinutes(2));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        var dead = harness.DeadLettered(3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, dead.Count);
        string Header(int i, string name) => Encoding.UTF8.GetString(dead[i].Message.Headers.GetLastBytes(name));
        var byOffset = Enumerable.Range(0, 3).OrderBy(i => long.Parse(Header(i, "siem.dlq.offset"))).ToList();
        Assert.Equal(["not-json", "unknown-format", "too-large"], byOffset.Select(i => Header(i, "siem.dlq.reason")));
        Assert.Equal(["50", "51", "52"], byOffset.Select(i => Header(i, "siem.dlq.offset")));
        Assert.All(byOffset, i => Assert.Equal(("siem-events", "0"), (Header(i, "siem.dlq.topic"), Header(i, "siem.dlq.partition"))));
        Assert.Equal("{this is not json", Encoding.UTF8.GetString(dead[byOffset[0]].Message.Value!));
        Assert.Equal((1_102L, 1_102L), await harness.ClickHouseCounts());
        Assert.Equal("sshd\tbastion-01\t6\tFailed password for root from 203.0.113.5\nsshd\tbastion-01\t6\tAccepted publickey for alice from 10.0.0.7\n",
            await harness.Query($"SELECT source, host, severity, message FROM {harness.Database}.siem_events FINAL WHERE partition = 1 AND process = 'sshd' ORDER BY offset FORMAT TabSeparated"));
        Assert.Equal(harness.EndOffsets(), harness.Committed());
    }
}
