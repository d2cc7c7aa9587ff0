namespace SiemActors.Kafka.Settings;

/// <summary>
/// What a consumer does when its position in a partition is no longer in the log (<c>offset-out-of-range</c>): the
/// records were deleted by retention before they were read (the committed offset is below the log start), or the log
/// is shorter than the position (truncated, or deleted and created again). Kafka's <c>auto.offset.reset</c> decides
/// this silently; these stages decide it here and report every such move (<see cref="Messages.OffsetReset"/>).
/// </summary>
public enum OffsetOutOfRange
{
    /// <summary>Go on from the log start: what was deleted is skipped (and reported), the rest is read.</summary>
    Earliest,

    /// <summary>Go on from the log end: everything not yet read is skipped (and reported).</summary>
    Latest,

    /// <summary>Fail the source: an operator decides (the partition is not read until then).</summary>
    Fail,
}
