namespace SiemActors.Domain.Events;

/// <summary>
/// The event times the pipeline accepts: what <see cref="DateTimeOffset"/> can hold (years 1 to 9999), in Unix ms. A
/// time outside (<c>1e400</c>, a negative epoch of year 0, a Kafka record timestamp a hostile producer set) is not an
/// event time; the normalizers keep it as text and fall back, so nothing downstream that converts times can throw.
/// </summary>
public static class EventTime
{
    /// <summary>0001-01-01T00:00:00Z.</summary>
    public static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    /// <summary>9999-12-31T23:59:59.999Z.</summary>
    public static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static bool IsValid(long unixMs) => unixMs >= MinUnixMs && unixMs <= MaxUnixMs;

    /// <summary>A Kafka record's timestamp, or <paramref name="fallback"/> when it is not a valid time.</summary>
    public static long OrElse(long unixMs, long fallback) => IsValid(unixMs) ? unixMs : fallback;
}
