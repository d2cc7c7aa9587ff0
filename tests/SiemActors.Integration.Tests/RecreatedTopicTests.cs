using System.Text;
using SiemActors.Integration.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>
/// A topic deleted and created again starts its offsets at 0 while the sinks still hold marks from the old log: the node
/// must see a new log (a new epoch of marks) and store the new records, not skip them as already written.
/// </summary>
public sealed class RecreatedTopicTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    /// <summary>Events with an id, and events without one (their id derives from topic, partition, offset — and epoch).</summary>
    private static byte[] Fresh(int n) => n % 2 == 0
        ? Encoding.UTF8.GetBytes($$"""{"id":"fresh-{{n}}","host":"host-{{n % 5}}","source_type":"fresh","message":"fresh {{n}}"}""")
        : Encoding.UTF8.GetBytes($$"""{"host":"host-{{n % 5}}","source_type":"fresh","message":"fresh {{n}}","timestamp":"2026-11-27T04:00:00Z"}""");

    [Fact]
    public async Task Records_of_a_topic_created_again_under_a_running_node_are_stored_under_a_new_epoch()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl);
        var node = harness.StartNode();
        await harness.ProduceAsync(0, 3_200, perSecond: 100_000);
        await harness.UntilAllStored(3_200, TimeSpan.FromMinutes(2));

        harness.Kafka.DeleteTopic(PipelineHarness.Events);
        harness.Kafka.CreateTopic(PipelineHarness.Events, PipelineHarness.Partitions);
        await harness.ProduceAsync(0, 800, perSecond: 100_000, Fresh); // 50 per partition: below the old log's ~200

        await harness.UntilAllStored(4_000, TimeSpan.FromMinutes(3));
        Assert.False(node.HasExited);
        Assert.Equal("800\t800", (await harness.Query(
            $"SELECT count(), uniqExact(event_id) FROM {harness.Database}.siem_events FINAL WHERE source = 'fresh' FORMAT TabSeparated")).Trim());
        Assert.Equal("400", (await harness.Query(
            $"SELECT count() FROM {harness.Database}.siem_events FINAL WHERE source = 'fresh' AND event_id LIKE 'siem-events-%~1' FORMAT TabSeparated")).Trim());
        var (_, redisEvents) = await harness.RedisCounts();
        Assert.Equal(4_000, redisEvents);
        using var redis = await ConnectionMultiplexer.ConnectAsync(services.RedisEndpoint);
        var epochs = await redis.GetDatabase().HashGetAllAsync($"{harness.KeyPrefix}:log-epochs");
        Assert.Equal(16, epochs.Length);
        Assert.All(epochs, e => Assert.StartsWith("1|", (string)e.Value!));
        Assert.Contains("is a new log", harness.Tail(2000));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Records_of_a_topic_created_again_while_the_node_was_down_are_stored_under_a_new_epoch()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl);
        var node = harness.StartNode();
        await harness.ProduceAsync(0, 3_200, perSecond: 100_000);
        await harness.UntilAllStored(3_200, TimeSpan.FromMinutes(2));
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));

        harness.Kafka.DeleteTopic(PipelineHarness.Events); // the group's committed offsets go with it, as in Kafka
        harness.Kafka.CreateTopic(PipelineHarness.Events, PipelineHarness.Partitions);
        await harness.ProduceAsync(0, 800, perSecond: 100_000, Fresh);
        node = harness.StartNode();

        await harness.UntilAllStored(4_000, TimeSpan.FromMinutes(3));
        Assert.Equal("800", (await harness.Query(
            $"SELECT uniqExact(event_id) FROM {harness.Database}.siem_events FINAL WHERE source = 'fresh' FORMAT TabSeparated")).Trim());
        Assert.Equal(4_000, (await harness.RedisCounts()).Events);
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }
}
