namespace SiemActors.Domain.Ingest;

/// <summary>
/// Records of a partition the pipeline never read: the broker deleted them (retention) before the consumer got to them,
/// or the consumer skipped them on purpose (<c>on-offset-out-of-range = latest</c>). Offsets
/// <paramref name="FirstOffset"/>..<paramref name="LastOffset"/>, <paramref name="Records"/> of them (fewer if the range
/// held transaction markers). Stored in ClickHouse's <c>ingest_gaps</c> and raised as the built-in alert <c>ingest-gap</c>.
/// </summary>
public sealed record IngestGap(string Topic, int Partition, long FirstOffset, long LastOffset, long Records, string Policy, string Node, long DetectedAt)
{
    /// <summary>The built-in alert rule that reports gaps.</summary>
    public const string Rule = "ingest-gap";

    /// <summary>Deterministic, so a gap reported twice (detected again after a crash) is one alert and one row.</summary>
    public string Id => $"{Rule}:{Topic}:{Partition}:{FirstOffset}-{LastOffset}";

    public override string ToString() => $"{Topic}[{Partition}] offsets {FirstOffset}..{LastOffset} ({Records} records)";
}
