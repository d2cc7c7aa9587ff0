using Xunit;

namespace SiemActors.Detection.Tests;

public sealed class ThresholdRuleTests
{
    private const string Rule = """
        { name = brute, type = threshold, severity = critical, key = src_ip, window = 60s, count = 3, filter = "outcome == \"failure\"",
          description = "failures" }
        """;

    [Fact]
    public void Fires_once_when_the_count_is_reached_within_the_window()
    {
        var s = new Scenario(Rule);
        s.Send(0, 10);
        Assert.Empty(s.Alerts);
        s.Send(20);
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(("brute", "src_ip", "10.0.0.5", 3L), (alert.Rule, alert.KeyField, alert.Key, alert.Count));
        Assert.Equal((Scenario.At(0), Scenario.At(20)), (alert.FirstEventTime, alert.LastEventTime));
        Assert.Equal(["e1", "e2", "e3"], alert.SampleEventIds);
        Assert.Equal(SiemActors.Domain.Events.Severity.Critical, alert.Severity);

        // More events in the same window belong to the alert already fired.
        s.Send(30, 40, 50);
        Assert.Single(s.Alerts);
    }

    [Fact]
    public void Stays_quiet_below_the_count_and_when_events_are_spread_beyond_the_window()
    {
        var s = new Scenario(Rule);
        s.Send(0, 50, 110, 170, 230);
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void The_window_slides()
    {
        var s = new Scenario(Rule);
        s.Send(0, 40);
        s.Send(70);   // [0, 60) has 2, [40, 100) has 2
        Assert.Empty(s.Alerts);
        s.Send(90);   // [40, 100) has 3
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(Scenario.At(40), alert.FirstEventTime);
    }

    [Fact]
    public void A_new_window_after_the_alerted_one_fires_again_with_another_id()
    {
        var s = new Scenario(Rule);
        s.Send(0, 1, 2);
        s.Send(100, 101, 102);
        Assert.Equal(2, s.Alerts.Count);
        Assert.NotEqual(s.Alerts[0].AlertId, s.Alerts[1].AlertId);
    }

    [Fact]
    public void Out_of_order_events_within_the_allowed_lateness_count_where_they_belong()
    {
        var s = new Scenario(Rule, lateness: "2m");
        s.Send(100, 130);
        s.Send(50);   // 70 s late: [50, 110) has 50, 100 → 2
        Assert.Empty(s.Alerts);
        s.Send(80);   // [50, 110) has 50, 80, 100
        var alert = Assert.Single(s.Alerts);
        Assert.Equal((Scenario.At(50), Scenario.At(100)), (alert.FirstEventTime, alert.LastEventTime));
    }

    [Fact]
    public void Events_beyond_the_allowed_lateness_do_not_count()
    {
        var s = new Scenario(Rule, lateness: "30s");
        s.Send(200, 210);
        var late = s.Apply(new Scenario(Rule).Send(0) with { Partition = 5, Facts = [new(0, 0, 10, Scenario.At(150), "late", "")] });
        Assert.Equal((0, 1), (late.Applied, late.Late));
        Assert.Empty(s.Alerts);
        s.Send(190);   // 20 s late, within the 30 s: [190, 250) has 190, 200, 210; 150 would have made [150, 210)
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(Scenario.At(190), alert.FirstEventTime);
    }

    [Fact]
    public void A_replayed_batch_changes_nothing()
    {
        var s = new Scenario(Rule);
        var batch = s.Send(0, 1);
        Assert.True(s.State.IsReplay(batch));
        var result = s.Apply(batch);
        Assert.Equal((0, 2), (result.Applied, result.Duplicates));
        s.Send(2);
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(3, alert.Count);
    }

    [Fact]
    public void A_partly_replayed_batch_counts_only_its_new_offsets()
    {
        var s = new Scenario(Rule);
        var first = s.Send(0, 1);
        var replayAndMore = first with { Facts = [.. first.Facts, first.Facts[1] with { Offset = 2, Timestamp = Scenario.At(2), EventId = "e9" }] };
        var result = s.Apply(replayAndMore);
        Assert.Equal((1, 2), (result.Applied, result.Duplicates));
        var alert = Assert.Single(s.Alerts);
        Assert.Equal(3, alert.Count);
    }

    [Fact]
    public void Partitions_have_their_own_offsets()
    {
        var s = new Scenario(Rule);
        s.Send(0, [(0, 0, "")]);
        s.Send(1, [(1, 0, "")]);
        s.Send(2, [(2, 0, "")]);
        Assert.Single(s.Alerts);
        Assert.Equal(0, s.State.AppliedOffset(1));
    }

    [Fact]
    public void The_alert_id_depends_on_rule_key_and_window_only()
    {
        var a = new Scenario(Rule);
        a.Send(0, 1, 2);
        var b = new Scenario(Rule);
        b.Send(0);
        b.Send(2, 1);
        var other = new Scenario(Rule, key: "src_ip:10.0.0.6");
        other.Send(0, 1, 2);
        Assert.Equal(a.Alerts[0].AlertId, b.Alerts[0].AlertId);
        Assert.NotEqual(a.Alerts[0].AlertId, other.Alerts[0].AlertId);
    }
}
