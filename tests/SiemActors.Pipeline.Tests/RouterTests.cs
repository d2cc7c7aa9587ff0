using System.Text;
using Akka.Configuration;
using SiemActors.Domain.Events;
using SiemActors.Pipeline;
using SiemActors.Pipeline.Routing;
using Xunit;

namespace SiemActors.Pipeline.Tests;

public sealed class RouterTests
{
    private static readonly string[] Known = ["redis", "clickhouse", "kafka"];

    private static Router Create(string hocon) =>
        Router.Create(PipelineSettings.WithDefaults(ConfigurationFactory.ParseString(hocon)), Known);

    private static SecurityEvent Event(string source, Severity severity) => new()
    {
        EventId = "e", Timestamp = 1, IngestedAt = 1, Source = source, Host = "h", Severity = severity,
        Raw = Encoding.UTF8.GetBytes("{}"), Origin = new KafkaOrigin("t", 0, 0),
    };

    private const string Rules = """
        siem.routing {
          rules = [
            { name = "auth", condition = "source == \"sshd\"", destinations = [redis, clickhouse, kafka], priority = 10 }
            { name = "noise", condition = "severity == debug", drop = true, priority = 100 }
            { name = "off", condition = "true", destinations = [kafka], priority = 1000, enabled = false }
          ]
          default-destinations = [clickhouse]
        }
        """;

    [Fact]
    public void The_first_matching_rule_by_priority_decides_and_unmatched_events_take_the_default()
    {
        var router = Create(Rules);
        Assert.Equal(["redis", "clickhouse", "kafka"], router.Route(Event("sshd", Severity.Warning)));
        Assert.Empty(router.Route(Event("sshd", Severity.Debug)));        // noise outranks auth
        Assert.Equal(["clickhouse"], router.Route(Event("nginx", Severity.Error)));
        Assert.Equal(["clickhouse"], router.Route(Event("nginx", Severity.Error)));

        Assert.Equal(1, router.Matched["auth"]);
        Assert.Equal(1, router.Matched["noise"]);
        Assert.Equal(2, router.Matched[Router.DefaultRule]);
        Assert.False(router.Matched.ContainsKey("off"));
        Assert.Equal(new HashSet<string> { "redis", "clickhouse", "kafka" }, router.Destinations);
    }

    [Fact]
    public void The_default_configuration_sends_everything_to_Redis_and_ClickHouse()
    {
        var router = Create("");
        Assert.Empty(router.Rules);
        Assert.Equal(["redis", "clickhouse"], router.Route(Event("x", Severity.Notice)));
    }

    [Theory]
    [InlineData("""{ name = "bad", condition = "source = \"x\"", destinations = [redis] }""", "routing rule 'bad': condition \"source = \"x\"\" at position 7")]
    [InlineData("""{ name = "where", condition = "true", destinations = [elastic] }""", "routing rule 'where': unknown destination 'elastic'")]
    [InlineData("""{ name = "none", condition = "true" }""", "routing rule 'none' has no destinations")]
    [InlineData("""{ condition = "true", destinations = [redis] }""", "routing rule #1 has no name")]
    [InlineData("""{ name = "twice", condition = "true", destinations = [redis] }, { name = "twice", condition = "false", destinations = [redis] }""", "routing rule 'twice' is defined twice")]
    public void A_bad_rule_is_refused_with_its_name_and_what_is_wrong(string rule, string message)
    {
        var error = Assert.Throws<RoutingConfigException>(() => Create($"siem.routing.rules = [ {rule} ]"));
        Assert.StartsWith(message, error.Message);
    }
}
