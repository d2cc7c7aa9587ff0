namespace SiemActors.Bench.Scenarios;

/// <summary>
/// Latencies in 1 ms buckets up to 60 s, safe to add to from many threads, without an allocation per value; quantiles
/// are exact to the millisecond.
/// </summary>
internal sealed class MillisHistogram
{
    private readonly long[] _buckets = new long[60_001];

    public void Add(long millis) => Interlocked.Increment(ref _buckets[Math.Clamp(millis, 0, _buckets.Length - 1)]);

    public long Count => _buckets.Sum();

    public void Clear() => Array.Clear(_buckets);

    /// <summary>The <paramref name="q"/> quantile in ms (1.0: the maximum), NaN when empty.</summary>
    public double Quantile(double q)
    {
        var total = Count;
        if (total == 0) return double.NaN;
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var ms = 0; ms < _buckets.Length; ms++)
        {
            seen += Interlocked.Read(ref _buckets[ms]);
            if (seen >= rank) return ms;
        }
        return _buckets.Length - 1;
    }
}
