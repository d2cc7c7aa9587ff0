using System.Text;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using SiemActors.Testing;

namespace SiemActors.Integration.Tests;

/// <summary>
/// Detection across a crash and a rebalance. Each scenario sends, mixed into ordinary traffic over 16 partitions, one
/// event fewer per attacker than the rule's count; it then checks that no alert fired (a fact counted twice would
/// have fired one early), sends each attacker's last event, and expects exactly one alert per attacker with the full
/// count (a fact lost would leave the count short and no alert).
/// </summary>
public sealed class DetectionTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private static readonly long Base = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 120_000;

    private static string Rule(string name, int count) => $$"""
        siem.detection.rules = [
          { name = "{{name}}", type = threshold, severity = error, key = src_ip, window = 10m, count = {{count}},
            filter = "source == \"sshd\" and outcome == \"failure\"" }
        ]
        akka.cluster.split-brain-resolver.stable-after = 5s
        """;

    /// <summary>Event n: every <paramref name="every"/>-th one a failed login from one of the attackers, the rest ordinary traffic.</summary>
    private static Func<int, byte[]> Mixed(int every, int attackers) => n => n % every == 0
        ? Attack(n, attacker: n / every % attackers, Base + n)
        : PipelineHarness.Event(n);

    private static byte[] Attack(int n, int attacker, long timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"id":"attack-{{n}}","timestamp":{{timestamp}},"host":"bastion-{{n % 3}}","source_type":"sshd","outcome":"failure","user":"root","src_ip":"{{Attacker(attacker)}}","message":"Failed password for root"}""");

    private static string Attacker(int i) => $"203.0.113.{i + 1}";

    [Fact]
    public async Task A_node_killed_mid_attack_ends_with_exactly_one_alert_with_the_full_count()
    {
        const int total = 40_000, every = 100, attacks = total / every;
        await using var harness = new PipelineHarness(fixture.Services.RedisEndpoint, fixture.Services.ClickHouseUrl, Rule("it-kill", attacks + 1));
        var node = harness.StartNode();
        var producing = harness.ProduceAsync(0, total, perSecond: 5_000, Mixed(every, attackers: 1));
        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 15_000, "15,000 events stored", Patience);
        node.Kill();
        output.WriteLine($"killed the node at {(await harness.ClickHouseCounts()).Rows} stored events");
        node = harness.StartNode();
        await producing;
        await harness.UntilAllStored(total, Patience);

        // Every fact is applied (the offsets are committed, which waits for detection): 400 of 401, so no alert.
        Assert.Empty((await harness.Alerts("it-kill")).Stored);

        await harness.ProduceRawAsync(3, Attack(total, 0, Base + total));
        var (alerts, entries) = await UntilAlerts(harness, "it-kill", 1);
        Assert.Equal((Attacker(0), attacks + 1L, Base + total), Assert.Single(alerts));
        Assert.Equal(1, entries);
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Entities_moved_by_a_leaving_node_keep_their_windows_and_alert_once()
    {
        const int total = 40_000, every = 40, attackers = 20, perAttacker = total / every / attackers;
        await using var harness = new PipelineHarness(fixture.Services.RedisEndpoint, fixture.Services.ClickHouseUrl, Rule("it-move", perAttacker + 1));
        var a = harness.StartNode();
        var b = harness.StartNode(seed: a);
        var producing = harness.ProduceAsync(0, total, perSecond: 4_000, Mixed(every, attackers));
        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 15_000, "15,000 events stored", Patience);
        // Some attackers' windows live on the node about to leave.
        var onB = 0;
        await harness.Until(async () => (onB = await DetectionEntitiesOn(a, b)) > 0, "detection entities on the second node", Patience);
        output.WriteLine($"SIGTERM to the second node ({onB} detection entities) at {(await harness.ClickHouseCounts()).Rows} stored events");
        Assert.Equal(0, await b.Terminate(TimeSpan.FromSeconds(90)));
        output.WriteLine($"it left at {(await harness.ClickHouseCounts()).Rows} stored events");
        await producing;
        await harness.UntilAllStored(total, Patience);
        Assert.Empty((await harness.Alerts("it-move")).Stored);

        // The windows that lived on the node that left must be intact on the one that stayed.
        await harness.ProduceRawAsync(5, Enumerable.Range(0, attackers).Select(i => Attack(total + i, i, Base + total + i)).ToArray());
        var (alerts, entries) = await UntilAlerts(harness, "it-move", attackers);
        Assert.Equal(Enumerable.Range(0, attackers).Select(Attacker).Order(StringComparer.Ordinal), alerts.Select(x => x.Key));
        Assert.All(alerts, x => Assert.Equal(perAttacker + 1L, x.Count));
        Assert.Equal(attackers, entries);
        Assert.Equal(0, await a.Terminate(TimeSpan.FromSeconds(60)));
    }

    /// <summary>Entities of the detections region on <paramref name="node"/>, as <paramref name="observer"/>'s management API reports.</summary>
    private static async Task<int> DetectionEntitiesOn(NodeProcess observer, NodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = new Uri(observer.HttpUrl), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PipelineHarness.ManagementToken);
        var types = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/management/shards")).RootElement;
        return types.EnumerateArray()
            .Where(t => t.GetProperty("type_name").GetString() == "detections")
            .SelectMany(t => t.GetProperty("regions").EnumerateArray())
            .Where(r => r.GetProperty("node").GetString() == node.Address)
            .Sum(r => r.GetProperty("entities").GetInt32());
    }

    private static async Task<(List<(string Key, long Count, long LastEventTime)> Stored, long StreamEntries)> UntilAlerts(PipelineHarness harness,
        string rule, int expected)
    {
        return await Eventually.Value(() => harness.Alerts(rule), found => found.Stored.Count >= expected && found.StreamEntries >= expected, Patience,
            found => $"{found.Stored.Count}/{expected} alerts of {rule}\n{harness.Tail()}", TimeSpan.FromMilliseconds(200));
    }

}
