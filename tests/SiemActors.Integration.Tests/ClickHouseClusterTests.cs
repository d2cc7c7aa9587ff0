using SiemActors.Integration.Tests.Support;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The spine on a ClickHouse cluster of 2 shards x 2 replicas (ReplicatedReplacingMergeTree, a Distributed table for
/// reads): shard 1's first replica — where its writes go — is SIGKILLed mid-stream, and then the node.
/// <list type="bullet">
/// <item>insert-quorum 0: the survivor takes shard 1's writes over at once. Inserts the crashed replica had acknowledged
/// but not yet passed on are on its disk only: they reach the survivor when it is started again (a machine that
/// reboots), and only then is every event there.</item>
/// <item>insert-quorum 2: every acknowledged insert is on both replicas, so while the crashed one is down the survivor
/// holds every event of every offset committed; shard 1's partitions wait until the replica is back.</item>
/// </list>
/// Either way every event ends stored exactly once (through the Distributed table and FINAL), each partition's rows only
/// on its shard (partition mod 2), offsets committed to the end, and the crashed replica caught up with its shard.
/// </summary>
public sealed class ClickHouseClusterTests(ClickHouseClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClickHouseClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_replica_crash_and_a_node_crash_mid_stream_store_every_event_once_on_its_partitions_shard(int insertQuorum)
    {
        const int total = 40_000;
        // Reads (the harness's audits) through replica 2's Distributed table: it stays up.
        await using var harness = new PipelineHarness(fixture.Services.RedisEndpoint, fixture.Replica(2), fixture.SinkConfig(insertQuorum));
        var node = harness.StartNode();
        var producing = harness.ProduceAsync(0, total, perSecond: 2_500);

        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 8_000, "8,000 events stored", Patience);
        Assert.False(producing.IsCompleted, "the stream had ended before the replica's crash");
        await fixture.Crash(1);
        var atCrash = (await harness.ClickHouseCounts()).Rows;
        output.WriteLine($"insert-quorum {insertQuorum}: crashed replica 1 (shard 1's first) at {atCrash} stored events");
        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= atCrash + 4_000, "4,000 more events stored", Patience);
        if (insertQuorum == 2)
        {
            // Every offset committed of shard 1's partitions is on the survivor: an acknowledged insert had both replicas.
            var committed = harness.Committed();
            var survivor = await PartitionsOf(2, harness.Database);
            foreach (var p in Enumerable.Range(0, PipelineHarness.Partitions).Where(p => p % 2 == 0))
                Assert.True(survivor.GetValueOrDefault(p) >= committed[p], $"partition {p}: {committed[p]} committed, {survivor.GetValueOrDefault(p)} on the surviving replica");
            output.WriteLine($"while replica 1 was down: {committed.Where((_, p) => p % 2 == 0).Sum()} offsets of shard 1 committed, all on the survivor");
        }
        Assert.False(producing.IsCompleted, "the stream had ended before the node's crash");
        node.Kill();
        output.WriteLine($"killed the node at {(await harness.ClickHouseCounts()).Rows} stored events");
        node = harness.StartNode();
        await producing;
        if (insertQuorum == 0)
        {
            await harness.UntilCommitted(harness.EndOffsets(), Patience); // the survivor took every write over
            output.WriteLine($"all committed with replica 1 down; the survivor's Distributed table shows {(await harness.ClickHouseCounts()).Rows} events " +
                             "(the rest acknowledged by replica 1 before its crash, on its disk)");
        }
        await fixture.Restart(1);
        await harness.UntilAllStored(total, Patience);

        var (rows, distinct) = await harness.ClickHouseCounts();
        var (redisIds, redisEvents) = await harness.RedisCounts();
        output.WriteLine($"ClickHouse (Distributed, FINAL) {rows} rows / {distinct} ids; Redis {redisIds} ids / {redisEvents} events");
        Assert.Equal((total, total), (rows, distinct));
        Assert.Equal((total, total), (redisIds, redisEvents));
        Assert.Equal(harness.EndOffsets(), harness.Committed());

        // Each partition on its shard only: even partitions on shard 1 (replica 2), odd on shard 2 (replica 3).
        var shard1 = await PartitionsOf(2, harness.Database);
        var shard2 = await PartitionsOf(3, harness.Database);
        output.WriteLine($"shard 1: {shard1.Values.Sum()} events of partitions {string.Join(',', shard1.Keys)}; shard 2: {shard2.Values.Sum()} of {string.Join(',', shard2.Keys)}");
        Assert.All(shard1.Keys, p => Assert.Equal(0, p % 2));
        Assert.All(shard2.Keys, p => Assert.Equal(1, p % 2));
        Assert.Equal(total, shard1.Values.Sum() + shard2.Values.Sum());
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
