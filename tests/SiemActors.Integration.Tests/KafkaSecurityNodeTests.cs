using SiemActors.Integration.Tests.Support;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>
/// Kafka security through a running node (docs/security.md, "Kafka"): the embedded broker speaks neither TLS nor SASL,
/// so what can be shown here is that the node really asks for SASL on its connections and that a broker which does not
/// take it is loud — the reason in the log, the node not ready — rather than a node that looks fine and reads nothing.
/// </summary>
public sealed class KafkaSecurityNodeTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    [Fact]
    public async Task A_node_configured_for_SASL_asks_for_it_and_is_not_ready_while_the_broker_does_not_take_it()
    {
        var services = fixture.Services;
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl,
            "siem.kafka.security { protocol = sasl_plaintext, sasl { mechanism = SCRAM-SHA-512, username = siem-node, password-env = SIEM_TEST_KAFKA_PASSWORD } }");
        var node = harness.StartNode(environment: new Dictionary<string, string> { ["SIEM_TEST_KAFKA_PASSWORD"] = "kafka-secret-9c1" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.True(() => harness.Tail(400).Contains("SASL Handshake not supported by broker", StringComparison.Ordinal), TimeSpan.FromMinutes(1),
            () => $"the node did not report the broker's refusal of SASL\n{harness.Tail()}");
        // The node serves its health and says it is not ready (it never reads a record from a broker it cannot authenticate to).
        var status = await Eventually.Value(async () =>
        {
            Assert.False(node.HasExited, harness.Tail());
            try
            {
                using var ready = await http.GetAsync(node.HttpUrl + "/health/ready");
                return (int)ready.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0;
            }
        }, code => code != 0, TimeSpan.FromMinutes(2), _ => $"the node never answered /health/ready\n{harness.Tail()}", TimeSpan.FromMilliseconds(500));
        Assert.Equal(503, status);
        Assert.Contains("sasl_plaintext SCRAM-SHA-512 as siem-node", harness.Tail(1000));
        Assert.DoesNotContain("kafka-secret-9c1", harness.Tail(5000));
    }
}
