using System.Net.Http.Headers;
using System.Text.Json;
using SiemActors.Integration.Tests.Support;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>
/// TLS between nodes (docs/security.md, "Between nodes"): two nodes with certificates of the cluster's CA form a
/// cluster over mutual TLS and share the work; a node whose certificate another CA signed is refused at the handshake
/// and never becomes a member.
/// </summary>
public sealed class RemotingTlsTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    [Fact]
    public async Task Nodes_of_the_clusters_CA_join_over_TLS_and_a_node_of_another_CA_is_refused()
    {
        using var pki = TestCertificates.Create();
        var services = fixture.Services;
        var tls = $$"""siem.node.tls { enabled = on, cert-file = "{{pki.ServerCertFile}}", key-file = "{{pki.ServerKeyFile}}", ca-file = "{{pki.CaFile}}" }""";
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, tls);
        var first = harness.StartNode();
        await first.UntilReady(TimeSpan.FromMinutes(2));
        var second = harness.StartNode(first);
        await Eventually.True(async () => (await Members(first)).Count(m => m == "Up") == 2, TimeSpan.FromMinutes(2),
            () => $"the second node did not join over TLS\n{harness.Tail()}");

        // The cluster works over TLS: events produced now are stored by the two nodes together.
        await harness.ProduceAsync(0, 2_000, perSecond: 2_000);
        await harness.UntilAllStored(2_000, TimeSpan.FromMinutes(2));

        var intruder = harness.StartNode(first, nodeConfig:
            $$"""siem.node.tls { cert-file = "{{pki.IntruderCertFile}}", key-file = "{{pki.IntruderKeyFile}}", ca-file = "{{pki.OtherCaFile}}" }""");
        await Eventually.True(() => harness.Tail(400).Contains("Refused the TLS peer", StringComparison.Ordinal), TimeSpan.FromMinutes(1),
            () => $"no node refused the intruder's certificate\n{harness.Tail()}");
        Assert.Equal(2, (await Members(first)).Count);
        Assert.False(intruder.HasExited && intruder.ExitCode == 0);

        Assert.Equal(0, await second.Terminate(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await first.Terminate(TimeSpan.FromSeconds(60)));
    }

    private static async Task<IReadOnlyList<string>> Members(NodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = new Uri(node.HttpUrl), Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PipelineHarness.ManagementToken);
        try
        {
            var view = JsonDocument.Parse(await http.GetStringAsync("/management/cluster")).RootElement;
            return view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("status").GetString()!).ToList();
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }
}
