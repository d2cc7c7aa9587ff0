namespace SiemActors.Bench.Scenarios;

/// <summary>What the node did between two samples: events committed, their rate, its CPU and allocations per event, latency.</summary>
internal sealed record Phase(long Events, double Seconds, double NodeCpuMicrosPerEvent, double AllocatedBytesPerEvent,
    double LatencyP50, double LatencyP95, double LatencyP99, double RedisCpuMicrosPerEvent, IReadOnlyList<RedisCommandPerEvent> RedisCommands)
{
    public double EventsPerSecond => Events / Seconds;

    public static Phase Of(IReadOnlyList<Sample> samples, Sample from, Sample to)
    {
        var events = Math.Max(1, to.Committed - from.Committed);
        var redis = RedisServerStats.PerEvent(from.Redis, to.Redis, events);
        return new Phase(to.Committed - from.Committed, to.Seconds - from.Seconds, (to.NodeCpuSeconds - from.NodeCpuSeconds) * 1e6 / events,
            (to.Allocated - from.Allocated) / events, Timeline.Quantile(from, to, 0.5), Timeline.Quantile(from, to, 0.95), Timeline.Quantile(from, to, 0.99),
            redis.CpuMicros, redis.PerEvent);
    }

    /// <summary>
    /// The steady state: the middle three fifths of the phase's time (from the first sample at a fifth of it to the last
    /// at four fifths), leaving out the start (consumer group join, batches filling) and the tail (partitions finishing
    /// one by one). Commits trail the work by up to a batch interval, so short runs make this window noisy.
    /// </summary>
    public static Phase Steady(IReadOnlyList<Sample> samples, Sample start, Sample end)
    {
        var span = end.Seconds - start.Seconds;
        var inside = samples.Where(s => s.Seconds >= start.Seconds && s.Seconds <= end.Seconds).ToList();
        var from = inside.First(s => s.Seconds - start.Seconds >= span / 5);
        var to = inside.Last(s => s.Seconds - start.Seconds <= span * 4 / 5);
        // Too short a run for a middle (commits land a batch at a time): the whole phase instead.
        if (to.Seconds <= from.Seconds || (to.Committed - from.Committed) * 10 < end.Committed - start.Committed) (from, to) = (start, end);
        return Of(samples, from, to);
    }

    /// <summary>
    /// The phase without its first <paramref name="settling"/> (the switch from one load to another: the backlog's
    /// last batches, a collection of the heap it left); the whole phase if it is not longer than twice that.
    /// </summary>
    public static Phase Settled(IReadOnlyList<Sample> samples, Sample start, Sample end, TimeSpan settling)
    {
        if (end.Seconds - start.Seconds <= 2 * settling.TotalSeconds) return Of(samples, start, end);
        var from = samples.First(s => s.Seconds >= start.Seconds + settling.TotalSeconds);
        return Of(samples, from, end);
    }

    /// <summary>Second by second from <paramref name="start"/>: the committed rate and the latency of what was stored in it.</summary>
    public static List<RunReport.Interval> Intervals(IReadOnlyList<Sample> samples, Sample start)
    {
        var intervals = new List<RunReport.Interval>();
        for (var i = samples.ToList().IndexOf(start) + 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            intervals.Add(new RunReport.Interval(b.Seconds - start.Seconds, (b.Committed - a.Committed) / (b.Seconds - a.Seconds),
                Timeline.Quantile(a, b, 0.5), Timeline.Quantile(a, b, 0.99)));
        }
        return intervals;
    }
}

/// <summary>Everything one <c>siem-bench run</c> measured; written as JSON to <c>bench/results/</c>.</summary>
internal sealed record RunReport(int Events, int Partitions, double StartupSeconds, Phase Throughput, Phase Steady, int LiveRate, Phase Live, Phase LiveSettled,
    HubLatencyResult? Hub, long NodePeakRssBytes, IReadOnlyList<BoundResult> Bounds, PlainPeer.Result? Baseline, KafkaEnginePeer.Result Peer, IReadOnlyList<RunReport.Point> Points,
    IReadOnlyList<RunReport.Interval> Intervals)
{
    public sealed record Point(double Seconds, long Committed, double NodeCpuSeconds, long NodeRssBytes);

    public sealed record Interval(double Seconds, double EventsPerSecond, double LatencyP50, double LatencyP99);

    /// <summary>The raw-consume bound, or null when the run measured no bounds (<c>--no-bounds</c>).</summary>
    public double? RawConsumePerSecond => Bounds.FirstOrDefault(b => b.Name == "raw consume")?.PerSecond;
}
