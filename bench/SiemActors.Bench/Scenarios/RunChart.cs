namespace SiemActors.Bench.Scenarios;

/// <summary>The run over time as a PNG: events committed per second (left axis) and the p50/p99 produce → stored latency of each second (right axis).</summary>
internal static class RunChart
{
    public static void Save(RunReport report, string path, string title)
    {
        var plot = new ScottPlot.Plot();
        var xs = report.Intervals.Select(i => i.Seconds).ToArray();
        var rate = plot.Add.Scatter(xs, report.Intervals.Select(i => i.EventsPerSecond).ToArray());
        rate.LegendText = "events committed per second";
        rate.MarkerSize = 0;
        rate.LineWidth = 2;
        foreach (var (q, pick) in new (string, Func<RunReport.Interval, double>)[] { ("p50", i => i.LatencyP50), ("p99", i => i.LatencyP99) })
        {
            var points = report.Intervals.Where(i => !double.IsNaN(pick(i)) && !double.IsInfinity(pick(i))).ToArray();
            var latency = plot.Add.Scatter(points.Select(i => i.Seconds).ToArray(), points.Select(pick).ToArray());
            latency.Axes.YAxis = plot.Axes.Right;
            latency.LegendText = $"{q} produced → stored (s, bucket bound)";
            latency.MarkerSize = 3;
            latency.LineWidth = 1;
        }
        var liveStart = report.Throughput.Seconds;
        var line = plot.Add.VerticalLine(liveStart);
        line.LegendText = "live phase starts (half the steady rate)";
        plot.Axes.Bottom.Label.Text = "seconds since the first event was produced";
        plot.Axes.Left.Label.Text = "events/s";
        plot.Axes.Right.Label.Text = "latency (s)";
        plot.Title(title);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 1100, 500);
    }
}
