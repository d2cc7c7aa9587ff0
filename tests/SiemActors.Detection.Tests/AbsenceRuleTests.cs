using Xunit;

namespace SiemActors.Detection.Tests;

public sealed class AbsenceRuleTests
{
    private const string Rule = """
        { name = silent, type = absence, severity = warning, key = host, window = 5m, count = 3, filter = "true" }
        """;

    [Fact]
    public void A_regular_key_that_goes_silent_fires_once()
    {
        var s = new Scenario(Rule, lateness: "30s", key: "host:web-1");
        s.Send(0, 60, 120);
        Assert.False(s.State.AbsenceDue(Scenario.At(120 + 300 + 29)));
        Assert.Empty(s.State.CheckAbsence(Scenario.At(120 + 300 + 29)));
        Assert.True(s.State.AbsenceDue(Scenario.At(120 + 330)));
        var alert = Assert.Single(s.State.CheckAbsence(Scenario.At(120 + 330)));
        Assert.Equal((Scenario.At(0), Scenario.At(120), 3L), (alert.FirstEventTime, alert.LastEventTime, alert.Count));
        Assert.Empty(s.State.CheckAbsence(Scenario.At(2000)));
        Assert.False(s.State.AbsenceDue(Scenario.At(2000)));
    }

    [Fact]
    public void A_key_that_never_reported_regularly_does_not_fire()
    {
        var s = new Scenario(Rule, key: "host:web-1");
        s.Send(0, 200, 400);   // never 3 within 5 min
        Assert.Empty(s.State.CheckAbsence(Scenario.At(5000)));
    }

    [Fact]
    public void Reporting_regularly_again_re_arms_it()
    {
        var s = new Scenario(Rule, lateness: "0s", key: "host:web-1");
        s.Send(0, 10, 20);
        Assert.Single(s.State.CheckAbsence(Scenario.At(400)));
        s.Send(500);   // one event back is not regular yet
        Assert.Empty(s.State.CheckAbsence(Scenario.At(900)));
        s.Send(510, 520);
        Assert.Single(s.State.CheckAbsence(Scenario.At(900)));
        Assert.Empty(s.State.CheckAbsence(Scenario.At(950)));
    }
}
