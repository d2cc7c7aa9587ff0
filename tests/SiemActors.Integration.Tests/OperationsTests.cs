using System.Globalization;
using System.Text.Json;
using SiemActors.Integration.Tests.Support;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Integration.Tests;

/// <summary>
/// Operating a running node: /metrics after a known number of events, the health endpoints, and the real siemctl binary
/// (each verb's output and exit code, a wrong token, an unreachable node).
/// </summary>
public sealed class OperationsTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    private const int Events = 3_000;

    [Fact]
    public async Task Metrics_health_and_siemctl_report_a_running_node()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl, "siem.metrics.port = 0");
        await harness.ProduceAsync(0, Events, perSecond: 100_000);
        var node = harness.StartNode();
        await harness.UntilAllStored(Events, TimeSpan.FromMinutes(2));
        string[] common;
        using var http = new HttpClient { BaseAddress = new Uri(node.HttpUrl), Timeout = TimeSpan.FromSeconds(10) };

        // Metrics: the counters match what was produced and stored.
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(Events, Metric(metrics, "siem_events_consumed_total"));
        Assert.Equal(Events, Metric(metrics, "siem_events_normalized_total"));
        Assert.Equal(Events, Metric(metrics, "siem_events_committed_total"));
        Assert.Equal(Events, Metric(metrics, "siem_events_stored_total{sink=\"redis\"}"));
        Assert.Equal(Events, Metric(metrics, "siem_events_stored_total{sink=\"clickhouse\"}"));
        Assert.Equal(16, Metric(metrics, "siem_assigned_partitions"));
        Assert.Equal(Events, Metric(metrics, "siem_event_latency_seconds_count{since=\"ingest\"}"));
        Assert.Contains("process_cpu_seconds_total", metrics);
        Assert.Contains("dotnet_collection_count_total", metrics);

        // Health: live and ready, anonymously.
        Assert.Contains("\"healthy\"", await http.GetStringAsync("/health/live"));
        var ready = JsonDocument.Parse(await http.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        Assert.Equal(["cluster", "pipeline", "ingest-gaps", "redis", "clickhouse"], ready.GetProperty("checks").EnumerateObject().Select(c => c.Name));

        // siemctl, the real binary.
        common = ["--node", node.HttpUrl, "--token", PipelineHarness.ManagementToken];
        var (code, output) = await Siemctl.RunAsync(["cluster", "show", "--json", .. common]);
        Assert.Equal(0, code);
        var member = JsonDocument.Parse(output).RootElement.GetProperty("members").EnumerateArray().Single();
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.Equal(["api", "ingest", "transform"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        (code, output) = await Siemctl.RunAsync(["cluster", "show", .. common]);
        Assert.Equal(0, code);
        Assert.Matches(@"akka\.tcp://siem@127\.0\.0\.1:\d+\s+Up\s+yes\s+api,ingest,transform\s+leader \(this node\)", output);

        // The node options before the verb, as the issue's user typed them, or between the group and the verb: the same call.
        (code, output) = await Siemctl.RunAsync([.. common, "--json", "pipeline", "lag"]);
        Assert.Equal(0, code);
        Assert.Equal(16, JsonDocument.Parse(output).RootElement.GetProperty("partitions").GetArrayLength());
        (code, output) = await Siemctl.RunAsync(["pipeline", "--json", "lag", .. common]);
        Assert.Equal(0, code);

        (code, output) = await Siemctl.RunAsync(["pipeline", "lag", "--json", .. common]);
        Assert.Equal(0, code);
        var partitions = JsonDocument.Parse(output).RootElement.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(16, partitions.Count);
        Assert.Equal(harness.EndOffsets().Sum(), partitions.Sum(p => p.GetProperty("committed_offset").GetInt64()));

        (code, output) = await Siemctl.RunAsync(["pipeline", "status", .. common]);
        Assert.Equal(0, code);
        Assert.Contains("running: yes   partitions: 16", output);
        Assert.Matches(@"clickhouse\s+\d+\s+[\d.]+ ms\s+3,000\s+0", output);

        (code, output) = await Siemctl.RunAsync(["shards", "show", "--json", .. common]);
        Assert.Equal(0, code);
        var hosts = JsonDocument.Parse(output).RootElement.EnumerateArray().Single(t => t.GetProperty("type_name").GetString() == "hosts");
        Assert.Equal(37, hosts.GetProperty("regions").EnumerateArray().Sum(r => r.GetProperty("entities").GetInt32())); // host-0 … host-36

        (code, output) = await Siemctl.RunAsync(["actor", "hierarchy", "--depth", "2", .. common]);
        Assert.Equal(0, code);
        Assert.Contains("/user/live-bridge", output);
        Assert.Contains("/system/sharding", output);

        (code, output) = await Siemctl.RunAsync(["cluster", "show", "--node", node.HttpUrl, "--token", "not-the-management-token"]);
        Assert.Equal(4, code);
        Assert.Contains("refused the management token", output);

        (code, output) = await Siemctl.RunAsync(["cluster", "show", "--node", $"http://127.0.0.1:{Ports.Free()}", "--token", PipelineHarness.ManagementToken]);
        Assert.Equal(3, code);
        Assert.Contains("unreachable", output);

        (code, output) = await Siemctl.RunAsync(["cluster", "leave", "akka.tcp://siem@127.0.0.1:1", .. common]);
        Assert.Equal(5, code);
        Assert.Contains("not a member", output);

        // Management with analysts' tokens: an admin's is accepted, a viewer's refused (403); both audited, as is every
        // call made with the management token and the refused one above; siemctl audit shows them (docs/security.md).
        var auth = SiemActors.Auth.JwtSettings.FromConfig(Akka.Configuration.ConfigurationFactory.ParseString(
            "siem.api.auth.secret = \"integration-tests-secret-0123456789abcdef\""));
        var admin = SiemActors.Auth.AnalystTokens.Issue(auth, "olga-admin", role: "admin");
        var viewer = SiemActors.Auth.AnalystTokens.Issue(auth, "victor-viewer", role: "viewer");
        (code, output) = await Siemctl.RunAsync(["shards", "show", "--json", "--node", node.HttpUrl, "--token", admin]);
        Assert.Equal(0, code);
        foreach (var lesser in new[] { viewer, SiemActors.Auth.AnalystTokens.Issue(auth, "rosa-responder", role: "responder") })
        {
            using var asLesser = new HttpClient { BaseAddress = new Uri(node.HttpUrl) };
            asLesser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", lesser);
            using var refused = await asLesser.GetAsync("/management/cluster");
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("lacks the admin role", await refused.Content.ReadAsStringAsync());
        }
        JsonElement[] trail = [];
        await Eventually.True(async () =>
        {
            (code, output) = await Siemctl.RunAsync(["audit", "--action", "management", "--limit", "1000", "--json", .. common]);
            if (code != 0) return false;
            trail = JsonDocument.Parse(output).RootElement.GetProperty("entries").EnumerateArray().ToArray();
            return trail.Any(e => e.GetProperty("user").GetString() == "victor-viewer");
        }, TimeSpan.FromSeconds(30), () => $"siemctl audit answered {code}: {output}");
        Assert.Contains(trail, e => e.GetProperty("user").GetString() == "(management token)" && e.GetProperty("detail").GetString() == "GET /management/cluster"
                                    && e.GetProperty("result").GetString() == "ok");
        Assert.Contains(trail, e => e.GetProperty("user").GetString() == "(management token)" && e.GetProperty("detail").GetString()!.StartsWith("POST /management/cluster/leave")
                                    && e.GetProperty("status").GetInt32() >= 400 && e.GetProperty("result").GetString() == "refused");
        Assert.Contains(trail, e => e.GetProperty("user").GetString() == "(no valid token)" && e.GetProperty("status").GetInt32() == 401);
        Assert.Contains(trail, e => e.GetProperty("user").GetString() == "olga-admin" && e.GetProperty("detail").GetString() == "GET /management/shards"
                                    && e.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Contains("admin"));
        Assert.Contains(trail, e => e.GetProperty("user").GetString() == "victor-viewer" && e.GetProperty("status").GetInt32() == 403
                                    && e.GetProperty("result").GetString() == "refused");
        Assert.All(trail, e => Assert.Equal("127.0.0.1", e.GetProperty("remote").GetString()));
        // The management token is not a JWT: the calls made with it are management rows, not refused sign-ins too.
        (code, output) = await Siemctl.RunAsync(["audit", "--action", "sign_in", "--limit", "1000", "--json", .. common]);
        Assert.Equal(0, code);
        Assert.DoesNotContain(JsonDocument.Parse(output).RootElement.GetProperty("entries").EnumerateArray(),
            e => e.GetProperty("result").GetString() == "refused" && e.GetProperty("detail").GetString()!.Contains("/management/"));
        (code, output) = await Siemctl.RunAsync(["audit", "--user", "olga-admin", .. common]);
        Assert.Equal(0, code);
        Assert.Matches(@"olga-admin\s+management\s+ok\s+127\.0\.0\.1\s+GET /management/shards", output);

        // Lag after a restart, with nothing new to read: the group's committed offsets, not what this new process
        // has committed itself (nothing yet) — every partition known, lag 0.
        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
        node = harness.StartNode();
        common = ["--node", node.HttpUrl, "--token", PipelineHarness.ManagementToken];
        JsonElement lag = default;
        await Eventually.True(async () =>
        {
            (code, output) = await Siemctl.RunAsync(["pipeline", "lag", "--json", .. common]);
            if (code != 0) return false;
            lag = JsonDocument.Parse(output).RootElement.GetProperty("group_lag");
            return lag.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromMinutes(1), () => $"siemctl pipeline lag answered {code}: {output}");
        var end = harness.EndOffsets();
        Assert.Equal(end, lag.GetProperty("partitions").EnumerateArray().Select(p => p.GetProperty("committed_offset").GetInt64()));
        Assert.Equal((0L, 0), (lag.GetProperty("total_lag").GetInt64(), lag.GetProperty("unknown_partitions").GetInt32()));
        (code, output) = await Siemctl.RunAsync(["pipeline", "lag", .. common]);
        Assert.Equal(0, code);
        Assert.Contains("total lag 0", output);
        Assert.DoesNotContain("unknown", output);

        Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }

    private static double Metric(string exposition, string name)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no metric {name} in:\n{exposition}");
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
