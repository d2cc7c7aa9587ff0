using Xunit;

namespace SiemActors.Detection.Tests;

public sealed class SequenceRuleTests
{
    private const string Rule = """
        { name = success-after-failures, type = sequence, severity = error, key = user, window = 5m, count = 3,
          filter = "outcome == \"failure\"", then = "outcome == \"success\"" }
        """;

    [Fact]
    public void Failures_then_a_success_fire()
    {
        var s = new Scenario(Rule, key: "user:alice");
        s.Send(0, 10, 20);
        Assert.Empty(s.Alerts);
        s.SendSecond(30);
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(4, alert.Count);
        Assert.Equal((Scenario.At(0), Scenario.At(30)), (alert.FirstEventTime, alert.LastEventTime));
        Assert.Equal(["e1", "e2", "e4"], alert.SampleEventIds);

        // The failures are spent: another success alone does not fire.
        s.SendSecond(40);
        Assert.Single(s.Alerts);
    }

    [Fact]
    public void A_success_before_the_failures_or_too_few_failures_do_not_fire()
    {
        var s = new Scenario(Rule, key: "user:alice");
        s.SendSecond(0);
        s.Send(10, 20, 30);
        Assert.Empty(s.Alerts);
        var t = new Scenario(Rule, key: "user:bob");
        t.Send(0, 10);
        t.SendSecond(20);
        Assert.Empty(t.Alerts);
    }

    [Fact]
    public void A_success_beyond_the_window_does_not_fire()
    {
        var s = new Scenario(Rule, key: "user:alice");
        s.Send(0, 10, 20);
        s.SendSecond(301);   // (1, 301]: only 10 and 20
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void A_late_failure_completes_a_success_seen_earlier()
    {
        var s = new Scenario(Rule, key: "user:alice");
        s.Send(0, 10);
        s.SendSecond(40);
        Assert.Empty(s.Alerts);
        s.Send(20);   // out of order, 20 s before the success
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(Scenario.At(40), alert.LastEventTime);
    }
}
