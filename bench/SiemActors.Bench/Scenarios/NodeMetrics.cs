using System.Globalization;

namespace SiemActors.Bench.Scenarios;

/// <summary>A scrape of a node's <c>/metrics</c> (Prometheus text): single values and histogram quantiles.</summary>
internal sealed class NodeMetrics(string text)
{
    public static async Task<NodeMetrics> ScrapeAsync(HttpClient http, string url) => new(await http.GetStringAsync(url));

    /// <summary>The value of the first sample whose name and labels start with <paramref name="series"/>.</summary>
    public double Value(string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(series, StringComparison.Ordinal)) continue;
            var space = line.LastIndexOf(' ');
            return double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no sample {series} in the node's metrics");
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of a histogram (name and label filter, e.g. <c>siem_event_latency_seconds</c>,
    /// <c>since="ingest"</c>), as the upper bound of the bucket it falls in: a bound, not an interpolation.
    /// </summary>
    public double Quantile(string histogram, string label, double q)
    {
        var buckets = Buckets(histogram, label);
        if (buckets.Count == 0 || buckets[^1].Count == 0) return double.NaN;
        var target = q * buckets[^1].Count;
        return buckets.First(b => b.Count >= target).Le;
    }

    /// <summary>A histogram's cumulative buckets (upper bound, count), by bound.</summary>
    public IReadOnlyList<(double Le, double Count)> Buckets(string histogram, string label)
    {
        var buckets = new List<(double Le, double Count)>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(histogram + "_bucket{", StringComparison.Ordinal) || !line.Contains(label, StringComparison.Ordinal)) continue;
            var le = line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
            le = le[..le.IndexOf('"')];
            var count = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            buckets.Add((le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture), count));
        }
        return buckets.OrderBy(b => b.Le).ToList();
    }
}
