using System.Globalization;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// One Prometheus histogram's cumulative buckets (upper bound → count), read from a node's <c>/metrics</c>: the nodes'
/// own <c>siem_event_latency_seconds{since="event_time"}</c>, which for traffic stamped at produce time is produce →
/// stored in every sink. Differences of two readings give the events stored in between.
/// </summary>
public sealed class LatencyHistogram
{
    private readonly SortedDictionary<double, long> _buckets;

    private LatencyHistogram(SortedDictionary<double, long> buckets) => _buckets = buckets;

    public static readonly LatencyHistogram Empty = new(new SortedDictionary<double, long>());

    /// <summary>Events counted.</summary>
    public long Count => _buckets.Count == 0 ? 0 : _buckets[double.PositiveInfinity];

    /// <summary>The buckets of <paramref name="metric"/> whose labels include <paramref name="label"/> (e.g. <c>since="event_time"</c>).</summary>
    public static LatencyHistogram Parse(string exposition, string metric, string label)
    {
        var buckets = new SortedDictionary<double, long>();
        var prefix = metric + "_bucket{";
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || !line.Contains(label, StringComparison.Ordinal)) continue;
            var le = line.IndexOf("le=\"", StringComparison.Ordinal);
            var close = le < 0 ? -1 : line.IndexOf('"', le + 4);
            var space = line.LastIndexOf(' ');
            if (close < 0 || space < close) continue;
            var bound = line[(le + 4)..close];
            buckets[bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture)] =
                (long)double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return new LatencyHistogram(buckets);
    }

    /// <summary>What was counted since <paramref name="earlier"/> (a reading of the same process).</summary>
    public LatencyHistogram Minus(LatencyHistogram earlier) =>
        new(new SortedDictionary<double, long>(_buckets.ToDictionary(b => b.Key, b => b.Value - earlier._buckets.GetValueOrDefault(b.Key))));

    public LatencyHistogram Plus(LatencyHistogram other) =>
        new(new SortedDictionary<double, long>(_buckets.Keys.Union(other._buckets.Keys)
            .ToDictionary(k => k, k => _buckets.GetValueOrDefault(k) + other._buckets.GetValueOrDefault(k))));

    /// <summary>
    /// The upper bound of the bucket holding quantile <paramref name="q"/>: the quantile is at most this (histograms
    /// do not know more); NaN when nothing was counted.
    /// </summary>
    public double Quantile(double q)
    {
        if (Count <= 0) return double.NaN;
        var target = q * Count;
        foreach (var (bound, count) in _buckets)
            if (count >= target) return bound;
        return double.PositiveInfinity;
    }
}
