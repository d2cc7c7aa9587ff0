using System.Net.Http.Headers;
using System.Text.Json;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// Scaling out and losing nodes lose nothing: three nodes form a cluster, events flow over 16 partitions, a fourth node
/// joins mid-stream, one node is killed (SIGKILL) and another leaves gracefully (SIGTERM). Every event ends up stored
/// exactly once in ClickHouse and Redis, offsets are committed to the end, and siemctl reports the survivors.
/// </summary>
public sealed class ClusterScalingTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private const int Total = 200_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    // Decisions of the split-brain resolver after 5 s of stable membership instead of 20 s: the killed node is downed
    // (and its shards move) sooner. Everything else is the shipped configuration.
    private const string Config = "akka.cluster.split-brain-resolver.stable-after = 5s";

    [Fact]
    public async Task Nodes_join_crash_and_leave_mid_stream_and_every_event_is_stored_exactly_once()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, Config);
        var a = harness.StartNode();
        await UntilUp(a, [a]);
        var b = harness.StartNode(seed: a);
        var c = harness.StartNode(seed: a);
        await UntilUp(a, [a, b, c]);
        output.WriteLine("three nodes up");

        var producing = harness.ProduceAsync(0, Total, perSecond: 5_000);
        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 30_000, "30,000 events stored", Patience);
        var d = harness.StartNode(seed: a);
        await UntilUp(a, [a, b, c, d]);
        output.WriteLine($"fourth node up at {(await harness.ClickHouseCounts()).Rows} stored events");

        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 80_000, "80,000 events stored", Patience);
        c.Kill();
        output.WriteLine($"killed {c.Address} at {(await harness.ClickHouseCounts()).Rows} stored events");

        await harness.Until(async () => (await harness.ClickHouseCounts()).Rows >= 120_000, "120,000 events stored", Patience);
        output.WriteLine($"SIGTERM to {b.Address} at {(await harness.ClickHouseCounts()).Rows} stored events");
        Assert.Equal(0, await b.Terminate(TimeSpan.FromSeconds(90)));
        output.WriteLine($"{b.Address} left gracefully at {(await harness.ClickHouseCounts()).Rows} stored events");

        await producing;
        await harness.UntilAllStored(Total, Patience);
        // One record per event in the topic (the producer is idempotent): a duplicate below is the pipeline's.
        Assert.Equal(Total, harness.EndOffsets().Sum());
        var (rows, distinct) = await harness.ClickHouseCounts();
        var (redisIds, redisEvents) = await harness.RedisCounts();
        output.WriteLine($"ClickHouse {rows} rows / {distinct} ids; Redis {redisIds} ids / {redisEvents} events");
        Assert.Equal((Total, Total), (rows, distinct));
        Assert.Equal((Total, Total), (redisIds, redisEvents));
        Assert.Equal(harness.EndOffsets(), harness.Committed());

        // siemctl, as an operator runs it, sees exactly the survivors, all Up and reachable.
        await UntilUp(a, [a, d]);
        var (code, json) = await Siemctl.RunAsync("cluster", "show", "--json", "--node", a.HttpUrl, "--token", PipelineHarness.ManagementToken);
        Assert.Equal(0, code);
        var members = JsonDocument.Parse(json).RootElement.GetProperty("members").EnumerateArray()
            .Select(m => (Address: m.GetProperty("address").GetString()!, Status: m.GetProperty("status").GetString()!, Reachable: m.GetProperty("reachable").GetBoolean()))
            .ToList();
        Assert.Equal(new[] { a.Address, d.Address }.Order(), members.Select(m => m.Address).Order());
        Assert.All(members, m => Assert.Equal(("Up", true), (m.Status, m.Reachable)));

        Assert.Equal(0, await d.Terminate(TimeSpan.FromSeconds(90)));
        Assert.Equal(0, await a.Terminate(TimeSpan.FromSeconds(90)));
    }

    /// <summary>Waits until <paramref name="observer"/> sees exactly <paramref name="expected"/> as members, all Up and reachable.</summary>
    private async Task UntilUp(NodeProcess observer, NodeProcess[] expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri(observer.HttpUrl), Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PipelineHarness.ManagementToken);
        var want = expected.Select(n => n.Address).Order().ToList();
        var deadline = DateTime.UtcNow + Patience;
        var last = "";
        while (true)
        {
            try
            {
                var view = JsonDocument.Parse(await http.GetStringAsync("/management/cluster")).RootElement;
                var members = view.GetProperty("members").EnumerateArray().ToList();
                last = string.Join(", ", members.Select(m => $"{m.GetProperty("address").GetString()} {m.GetProperty("status").GetString()}" +
                    (m.GetProperty("reachable").GetBoolean() ? "" : " unreachable")));
                if (members.Select(m => m.GetProperty("address").GetString()!).Order().SequenceEqual(want)
                    && members.All(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean()))
                    return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message; // the node is still starting
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"members never became [{string.Join(", ", want)}]; last seen: {last}");
            await Task.Delay(250);
        }
    }

}
