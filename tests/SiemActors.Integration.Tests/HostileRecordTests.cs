using System.Text;
using SiemActors.Integration.Tests.Support;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The records that stopped a node (issue 16), produced into a running node between good ones in one partition: none
/// stops it, each ends stored or dead-lettered with its reason, and the good records around them are stored once.
/// </summary>
public sealed class HostileRecordTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    private static byte[][] Good(int from, int count) => Enumerable.Range(from, count).Select(i => PipelineHarness.Event(i * 16)).ToArray();

    [Fact]
    public async Task Invalid_UTF8_lone_surrogates_and_records_past_the_brokers_limit_never_stop_the_node()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl);
        var node = harness.StartNode();
        byte[] invalidUtf8 = [.. "{\"id\":\"bad-utf8\",\"host\":\"h\",\"message\":\"bad "u8, 0xFF, 0xFE, 0xC3, 0x28, .. " bytes\"}"u8];
        var loneSurrogate = "{\"id\":\"lone-surrogate\",\"host\":\"h\",\"message\":\"lone \\ud800 surrogate\"}"u8.ToArray();
        var nearBrokerLimit = Encoding.ASCII.GetBytes("{\"message\":\"" + new string('x', 999_900 - 12));       // unparseable, under the 1 MiB limit
        var pastLimit = Encoding.ASCII.GetBytes("{\"message\":\"" + new string('y', 1_048_577 - 14) + "\"}");  // one byte past siem.normalize.max-message-bytes

        await harness.ProduceRawAsync(0, Good(0, 20));
        await harness.ProduceRawAsync(0, invalidUtf8);
        await harness.ProduceRawAsync(0, Good(20, 20));
        await harness.ProduceRawAsync(0, loneSurrogate);
        await harness.ProduceRawAsync(0, Good(40, 20));
        await harness.ProduceRawAsync(0, nearBrokerLimit, pastLimit);
        await harness.ProduceRawAsync(0, Good(60, 20));

        await harness.UntilAllStored(82, TimeSpan.FromMinutes(2));
        Assert.False(node.HasExited, "the node stopped: " + harness.Tail());

        var stored = await harness.Query($"SELECT event_id, message FROM {harness.Database}.siem_events FINAL WHERE event_id IN ('bad-utf8', 'lone-surrogate') ORDER BY event_id FORMAT TabSeparated");
        Assert.Equal("bad-utf8\tbad \uFFFD\uFFFD\uFFFD( bytes\nlone-surrogate\tlone \uFFFD surrogate\n", stored);
        var rawBytes = await harness.Query($"SELECT attribute_values[indexOf(attribute_keys, 'raw_base64')] FROM {harness.Database}.siem_events FINAL WHERE event_id = 'bad-utf8' FORMAT TabSeparated");
        Assert.Equal(invalidUtf8, Convert.FromBase64String(rawBytes.Trim()));
        Assert.Equal((82L, 82L), await harness.ClickHouseCounts());

        var dead = harness.DeadLettered(2, TimeSpan.FromSeconds(30));
        string Header(int i, string name) => dead[i].Message.Headers.TryGetLastBytes(name, out var b) ? Encoding.UTF8.GetString(b) : "";
        var byOffset = Enumerable.Range(0, dead.Count).OrderBy(i => long.Parse(Header(i, "siem.dlq.offset"))).ToList();
        Assert.Equal(["not-json", "too-large"], byOffset.Select(i => Header(i, "siem.dlq.reason")));
        Assert.Equal(["62", "63"], byOffset.Select(i => Header(i, "siem.dlq.offset")));
        Assert.All(byOffset, i => Assert.Equal("true", Header(i, "siem.dlq.truncated")));
        Assert.Equal([nearBrokerLimit.Length.ToString(), pastLimit.Length.ToString()], byOffset.Select(i => Header(i, "siem.dlq.original-size")));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pastLimit)), Header(byOffset[1], "siem.dlq.sha256"));
        Assert.Equal(harness.EndOffsets(), harness.Committed());
        Assert.False(node.HasExited);
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }
}
