using System.Net.Http.Json;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// A node the cluster downs (the split-brain resolver's verdict on the minority, or an operator's) exits at once with
/// code 3, for its supervisor to restart it — it neither lingers retrying against its stopped actor system nor reports
/// a crash — and the node that stays stores everything.
/// </summary>
public sealed class DownedNodeTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_downed_node_exits_with_code_3_within_seconds_and_the_other_stores_everything()
    {
        const int total = 20_000;
        await using var harness = new PipelineHarness(fixture.Services.RedisEndpoint, fixture.Services.ClickHouseUrl);
        var a = harness.StartNode();
        await a.UntilReady(Patience);
        var b = harness.StartNode(seed: a);
        await b.UntilReady(Patience);
        var producing = harness.ProduceAsync(0, total, perSecond: 4_000);
        await harness.UntilCommitted(Enumerable.Repeat(50L, PipelineHarness.Partitions).ToArray(), Patience);

        using var http = new HttpClient { BaseAddress = new Uri(a.HttpUrl), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PipelineHarness.ManagementToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var down = await http.PostAsJsonAsync("/management/cluster/down", new { address = b.Address })) down.EnsureSuccessStatusCode();

        Assert.True(await b.ExitedWithin(TimeSpan.FromSeconds(30)), $"the downed node still runs after 30 s\n{harness.Tail()}");
        output.WriteLine($"the downed node exited with {b.ExitCode} {clock.Elapsed.TotalSeconds:0.0} s after the down");
        Assert.Equal(3, b.ExitCode);

        await producing;
        await harness.UntilAllStored(total, Patience);
        Assert.Equal(((long)total, (long)total), await harness.ClickHouseCounts());
        Assert.Equal(((long)total, (long)total), await harness.RedisCounts());
        Assert.Equal(0, await a.Terminate(TimeSpan.FromSeconds(60)));
    }
}
