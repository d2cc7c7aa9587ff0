using System.Text;
using SiemActors.Integration.Tests.Support;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The spine and detection on a Redis Cluster (three masters, three replicas; writes WAIT for one replica): a master
/// crashed at the worst moment and failed over, and the node SIGKILLed, mid-stream and mid-attack. Every event is
/// stored exactly once (ClickHouse through FINAL and raw, the event ids and events in the Redis streams), the offsets are committed to
/// the end, and the threshold rule — its entities' journal on the cluster — raises exactly one alert with the full count.
/// </summary>
public sealed class RedisClusterTests(RedisClusterFixture fixture, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private static readonly long Base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 120_000;

    [Fact]
    public async Task A_master_failover_and_a_node_crash_mid_stream_store_every_event_once_and_alert_once()
    {
        const int total = 40_000, every = 100, attacks = total / every;
        var config = $$"""
            siem.sinks.redis { wait-replicas = 1, wait-timeout = 2s }
            siem.detection.rules = [
              { name = "it-cluster", type = threshold, severity = error, key = src_ip, window = 10m, count = {{attacks + 1}},
                filter = "source == \"sshd\" and outcome == \"failure\"" }
            ]
            """;
        await using var harness = new PipelineHarness(fixture.Cluster.Endpoint, fixture.Services.ClickHouseUrl, config);
        var node = harness.StartNode();
        var producing = harness.ProduceAsync(0, total, perSecond: 2_000, n => n % every == 0 ? Attack(n, Base + n) : PipelineHarness.Event(n));

        await harness.Until(async () => (await harness.RedisCounts()).Ids >= 8_000, "8,000 events in Redis", Patience);
        Assert.False(producing.IsCompleted, "the stream had ended before the master's crash");
        var killed = await fixture.Cluster.CrashMasterOf($"{harness.KeyPrefix}:stream:{{sshd}}", Patience);
        var whole = (await harness.RedisCounts()).Ids;
        output.WriteLine($"crashed the Redis master {killed} (the sshd source's slot); {whole} events in Redis when the cluster was whole again");
        await harness.Until(async () => (await harness.RedisCounts()).Ids >= whole + 2_000, "2,000 more events in Redis", Patience);
        Assert.False(producing.IsCompleted, "the stream had ended before the node's crash");
        node.Kill();
        output.WriteLine($"killed the node at {(await harness.RedisCounts()).Ids} events in Redis");
        node = harness.StartNode();
        await producing;
        await harness.UntilAllStored(total, Patience);

        var (rows, distinct) = await harness.ClickHouseCounts();
        var (redisIds, redisEvents) = await harness.RedisCounts();
        output.WriteLine($"ClickHouse {rows} rows / {distinct} ids; Redis {redisIds} ids / {redisEvents} events in the streams");
        Assert.Equal((total, total), (rows, distinct));
        if (redisIds != total || redisEvents != total)
        {
            using var fresh = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.Cluster.Endpoint);
            var db = fresh.GetDatabase();
            foreach (var source in new[] { "sshd", "firewall", "nginx" })
            {
                var stream = await db.StreamRangeAsync($"{harness.KeyPrefix}:stream:{{{source}}}");
                var ids = stream.SelectMany(e => SiemActors.Sinks.Redis.StreamEvents.Of(e)).Select(j => PipelineHarness.EventIdOf((string)j!)).ToHashSet();
                output.WriteLine($"{source}: {stream.Length} entries, {ids.Count} event ids (fresh connection)");
                var missing = Enumerable.Range(0, total).Where(n => (n % every == 0 ? "sshd" : n % 3 == 0 ? "firewall" : n % 3 == 1 ? "sshd" : "nginx") == source)
                    .Select(n => n % every == 0 ? $"attack-{n}" : $"it-{n}").Where(id => !ids.Contains(id)).ToList();
                output.WriteLine($"  missing {missing.Count}: {string.Join(' ', missing.Take(60))}");
            }
        }
        Assert.Equal((total, total), (redisIds, redisEvents));
        Assert.Equal(harness.EndOffsets(), harness.Committed());

        // 400 failed logins applied of 401: no alert yet; the 401st raises exactly one, counted in full across the crash.
        Assert.Empty((await harness.Alerts("it-cluster")).Stored);
        await harness.ProduceRawAsync(3, Attack(total, Base + total));
        var (alerts, alertEntries) = await Eventually.Value(() => harness.Alerts("it-cluster"), found => found.Stored.Count >= 1 && found.StreamEntries >= 1,
            Patience, found => $"{found.Stored.Count} alerts\n{harness.Tail()}", TimeSpan.FromMilliseconds(200));
        Assert.Equal(("203.0.113.1", attacks + 1L, Base + total), Assert.Single(alerts));
        Assert.Equal(1, alertEntries);
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }

    private static byte[] Attack(int n, long timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"id":"attack-{{n}}","timestamp":{{timestamp}},"host":"bastion-{{n % 3}}","source_type":"sshd","outcome":"failure","user":"root","src_ip":"203.0.113.1","message":"Failed password for root"}""");
}
