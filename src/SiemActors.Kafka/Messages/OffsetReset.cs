using Confluent.Kafka;

namespace SiemActors.Kafka.Messages;

/// <summary>Why a consumer's position moved outside the records it read.</summary>
public enum OffsetResetCause
{
    /// <summary>The position was below the log start: the records from it up to the new position were deleted unread.</summary>
    BelowLogStart,

    /// <summary>The position was beyond the log end: the log was truncated, or deleted and created again.</summary>
    BeyondLogEnd,
}

/// <summary>
/// A consumer moved its position in <paramref name="Partition"/> from <paramref name="From"/> (where it was, usually the
/// committed offset) to <paramref name="To"/>, because <paramref name="From"/> was no longer in the log
/// (<paramref name="LogStart"/>..<paramref name="LogEnd"/>).
/// </summary>
public sealed record OffsetReset(TopicPartition Partition, long From, long To, long LogStart, long LogEnd, OffsetResetCause Cause)
{
    /// <summary>Records never read: From..To-1 when the position moved forward past deleted records, else none.</summary>
    public long Skipped => To > From ? To - From : 0;

    public override string ToString() => Cause == OffsetResetCause.BelowLogStart
        ? $"{Partition.Topic}[{Partition.Partition.Value}]: offsets {From}..{To - 1} ({Skipped} records) were never read; going on from {To} (log {LogStart}..{LogEnd})"
        : $"{Partition.Topic}[{Partition.Partition.Value}]: position {From} is beyond the log end {LogEnd} (truncated or created again); going on from {To}";
}
