using Xunit;

namespace SiemActors.Detection.Tests;

public sealed class DistinctRuleTests
{
    private const string Rule = """
        { name = sweep, type = distinct, severity = warning, key = src_ip, distinct = dst_port, window = 60s, count = 4, filter = "true" }
        """;

    [Fact]
    public void Fires_on_enough_distinct_values_within_the_window()
    {
        var s = new Scenario(Rule);
        s.SendValues((0, "22"), (1, "23"), (2, "22"), (3, "80"));
        Assert.Empty(s.Alerts);
        s.SendValues((4, "443"));
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(4, alert.Count);
        Assert.Equal((Scenario.At(0), Scenario.At(4)), (alert.FirstEventTime, alert.LastEventTime));
    }

    [Fact]
    public void Repeating_one_value_never_fires()
    {
        var s = new Scenario(Rule);
        s.SendValues(Enumerable.Range(0, 50).Select(i => ((double)i, "22")).ToArray());
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void Values_spread_beyond_the_window_do_not_add_up()
    {
        var s = new Scenario(Rule);
        s.SendValues((0, "1"), (30, "2"), (70, "3"), (100, "4"), (140, "5"));
        Assert.Empty(s.Alerts);
        s.SendValues((101, "6"));   // [70, 130) has 3, 4, 6 … and 5 is at 140: still 3
        Assert.Empty(s.Alerts);
        s.SendValues((129, "7"));   // [70, 130): 3, 4, 6, 7
        Assert.Single(s.Alerts);
    }
}
