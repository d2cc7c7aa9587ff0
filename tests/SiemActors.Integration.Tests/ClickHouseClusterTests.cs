using SiemActors.Integration.Tests.Support;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The spine on a ClickHouse cluster of 2 shards x 2 replicas (ReplicatedReplacingMergeTree, a Distributed table for
/// reads): shard 1's first replica — where its writes go — is SIGKILLed mid-stream, and then the node. The survivor takes
/// shard 1's writes over; every event is stored exactly once (through the Distributed table and FINAL), each partition's
/// rows only on its shard (partition mod 2), offsets committed to the end, and the crashed replica, started again,
/// catches up with its shard.
/// </summary>
public sealed class ClickHouseClusterTests(ClickHouseClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClickHouseClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_replica_crash_and_a_node_crash_mid_stream_store_every_event_once_on_its_partitions_shard()
    {
        const int total = 60_000;
        // Reads (the harness's audits) through replica 2's Distributed table: it stays up.
        await using var harness = new PipelineHarness(fixture.Services.RedisEndpoint, fixture.Replica(2), fixture.SinkConfig());
        var node = harness.StartNode();
        var producing = harness.ProduceAsync(0, total, perSecond: 2_500);

        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 8_000, "8,000 events stored", Patience);
        Assert.False(producing.IsCompleted, "the stream had ended before the replica's crash");
        await fixture.Crash(1);
        var atCrash = (await harness.ClickHouseCounts()).Rows;
        output.WriteLine($"crashed replica 1 (shard 1's first) at {atCrash} stored events");
        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= atCrash + 8_000, "8,000 more events stored", Patience);
        Assert.False(producing.IsCompleted, "the stream had ended before the node's crash");
        node.Kill();
        output.WriteLine($"killed the node at {(await harness.ClickHouseCounts()).Rows} stored events");
        node = harness.StartNode();
        await producing;
        await harness.UntilAllStored(total, Patience);

        var (rows, distinct) = await harness.ClickHouseCounts();
        var (keys, entries) = await harness.RedisCounts();
        output.WriteLine($"ClickHouse (Distributed, FINAL) {rows} rows / {distinct} ids; Redis {keys} keys / {entries} stream entries");
        Assert.Equal((total, total), (rows, distinct));
        Assert.Equal((total, total), (keys, entries));
        Assert.Equal(harness.EndOffsets(), harness.Committed());

        // Each partition on its shard only: even partitions on shard 1 (replica 2), odd on shard 2 (replica 3).
        var shard1 = await PartitionsOf(2, harness.Database);
        var shard2 = await PartitionsOf(3, harness.Database);
        output.WriteLine($"shard 1: {shard1.Values.Sum()} events of partitions {string.Join(',', shard1.Keys)}; shard 2: {shard2.Values.Sum()} of {string.Join(',', shard2.Keys)}");
        Assert.All(shard1.Keys, p => Assert.Equal(0, p % 2));
        Assert.All(shard2.Keys, p => Assert.Equal(1, p % 2));
        Assert.Equal(total, shard1.Values.Sum() + shard2.Values.Sum());

        await fixture.Restart(1);
        await Eventually.True(async () => await LocalCount(1, harness.Database) == shard1.Values.Sum(), Patience,
            "the restarted replica caught up with its shard");
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }

    /// <summary>Events per partition in a replica's local table, through FINAL.</summary>
    private async Task<Dictionary<int, long>> PartitionsOf(int replica, string database)
    {
        var text = await Query(replica, $"SELECT partition, count() FROM {database}.siem_events_local FINAL GROUP BY partition ORDER BY partition FORMAT TabSeparated");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(f => int.Parse(f[0]), f => long.Parse(f[1]));
    }

    private async Task<long> LocalCount(int replica, string database)
    {
        try
        {
            return long.Parse((await Query(replica, $"SELECT count() FROM {database}.siem_events_local FINAL")).Trim());
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return -1; // still starting
        }
    }

    private async Task<string> Query(int replica, string sql)
    {
        using var response = await _http.PostAsync(fixture.Replica(replica) + "/", new StringContent(sql));
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException(body);
    }
}
