using SiemActors.Integration.Tests.Support;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>The campaign's p99 reading of the nodes' histograms (pure: no services).</summary>
public sealed class LatencyHistogramTests
{
    private static string Exposition(params (string le, long count)[] buckets) =>
        "# HELP siem_event_latency_seconds x\n# TYPE siem_event_latency_seconds histogram\n" +
        string.Join("\n", buckets.Select(b => $"siem_event_latency_seconds_bucket{{since=\"event_time\",le=\"{b.le}\"}} {b.count}")) +
        "\nsiem_event_latency_seconds_bucket{since=\"ingest\",le=\"+Inf\"} 999\nsiem_event_latency_seconds_sum{since=\"event_time\"} 12.5\n";

    [Fact]
    public void The_p99_is_the_bound_of_the_bucket_that_holds_it_over_the_events_between_two_readings()
    {
        var earlier = LatencyHistogram.Parse(Exposition(("0.5", 100), ("1", 100), ("30", 100), ("+Inf", 100)), "siem_event_latency_seconds", "since=\"event_time\"");
        var later = LatencyHistogram.Parse(Exposition(("0.5", 1080), ("1", 1090), ("30", 1100), ("+Inf", 1100)), "siem_event_latency_seconds", "since=\"event_time\"");
        var between = later.Minus(earlier);
        Assert.Equal(1000, between.Count);
        Assert.Equal(1.0, between.Quantile(0.985));
        Assert.Equal(1.0, between.Quantile(0.99));
        Assert.Equal(30.0, between.Quantile(0.995));
        Assert.Equal(0.5, between.Quantile(0.5));
    }

    [Fact]
    public void Nodes_add_up_and_nothing_counted_has_no_quantile()
    {
        var a = LatencyHistogram.Parse(Exposition(("1", 10), ("+Inf", 10)), "siem_event_latency_seconds", "since=\"event_time\"");
        var b = LatencyHistogram.Parse(Exposition(("1", 0), ("+Inf", 5)), "siem_event_latency_seconds", "since=\"event_time\"");
        Assert.Equal(15, a.Plus(b).Count);
        Assert.Equal(double.PositiveInfinity, a.Plus(b).Quantile(0.99));
        Assert.True(double.IsNaN(LatencyHistogram.Empty.Quantile(0.99)));
    }
}
