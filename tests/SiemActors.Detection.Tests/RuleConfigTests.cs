using Akka.Configuration;
using SiemActors.Detection.Rules;
using Xunit;

namespace SiemActors.Detection.Tests;

public sealed class RuleConfigTests
{
    private static DetectionSettings Load(string rules) =>
        DetectionSettings.Create(ConfigurationFactory.ParseString($"siem.detection.rules = [ {rules} ]"));

    [Fact]
    public void The_starter_rule_set_loads()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "hocon", "detections.conf");
        var settings = DetectionSettings.Create(ConfigurationFactory.ParseString(File.ReadAllText(file)));
        Assert.True(settings.Rules.Count >= 5);
        Assert.Contains(settings.Rules, r => r.Kind == RuleKind.Threshold);
        Assert.Contains(settings.Rules, r => r.Kind == RuleKind.Distinct);
        Assert.Contains(settings.Rules, r => r.Kind == RuleKind.Sequence);
        Assert.Contains(settings.Rules, r => r.Kind == RuleKind.Absence);
    }

    [Fact]
    public void Disabled_rules_are_checked_but_not_active()
    {
        var settings = Load("""{ name = a, type = threshold, severity = notice, key = user, window = 1m, count = 2, filter = "true", enabled = false }""");
        Assert.Empty(settings.Rules);
    }

    [Theory]
    [InlineData("""{ type = threshold }""", "detection rule #1 has no name")]
    [InlineData("""{ name = a, type = often, severity = notice, key = user, window = 1m, count = 2, filter = "true" }""", "'a': type 'often'")]
    [InlineData("""{ name = a, type = threshold, severity = huge, key = user, window = 1m, count = 2, filter = "true" }""", "'a': severity 'huge'")]
    [InlineData("""{ name = a, type = threshold, severity = notice, window = 1m, count = 2, filter = "true" }""", "'a': 'key' is missing")]
    [InlineData("""{ name = a, type = threshold, severity = notice, key = message, window = 1m, count = 2, filter = "true" }""", "'a': key 'message'")]
    [InlineData("""{ name = a, type = threshold, severity = notice, key = user, count = 2, filter = "true" }""", "'a': window must be")]
    [InlineData("""{ name = a, type = threshold, severity = notice, key = user, window = 1m, filter = "true" }""", "'a': count must be")]
    [InlineData("""{ name = a, type = threshold, severity = notice, key = user, window = 1m, count = 2, filter = "sevrity > 1" }""", "unknown field 'sevrity'")]
    [InlineData("""{ name = a, type = distinct, severity = notice, key = user, window = 1m, count = 2, filter = "true" }""", "'a': 'distinct' is missing")]
    [InlineData("""{ name = a, type = sequence, severity = notice, key = user, window = 1m, filter = "true" }""", "'a': 'then' is missing")]
    [InlineData("""{ name = a, type = threshold, severity = notice, key = user, window = 1m, count = 2, filter = "true", then = "true" }""", "'a': 'then' is only")]
    public void A_bad_rule_stops_the_start_naming_the_rule(string rule, string expected)
    {
        var ex = Assert.Throws<DetectionConfigException>(() => Load(rule));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_name_used_twice_is_an_error()
    {
        var rule = """{ name = a, type = threshold, severity = notice, key = user, window = 1m, count = 2, filter = "true" }""";
        var ex = Assert.Throws<DetectionConfigException>(() => Load(rule + ", " + rule));
        Assert.Equal("detection rule 'a' is defined twice", ex.Message);
    }
}
