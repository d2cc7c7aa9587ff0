using Confluent.Kafka;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;

namespace SiemActors.Pipeline.DeadLetters;

/// <summary>
/// A record bound for the dead-letter topic: where it was read, its bytes as read (null value: a tombstone), and why.
/// </summary>
public sealed record DeadLetterRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, DeadLetter Reason)
{
    /// <summary>A record no parser accepted (or that a bug met before it became an event).</summary>
    public static DeadLetterRecord Of(ConsumeResult<byte[]?, byte[]?> record, DeadLetter reason) =>
        new(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value, reason);

    /// <summary>An event the pipeline gave up on after parsing: its raw input is what goes to the topic.</summary>
    public static DeadLetterRecord Of(SecurityEvent e, DeadLetter reason) =>
        new(e.Origin.Topic, e.Origin.Partition, e.Origin.Offset, null, e.Raw.ToArray(), reason);

    public override string ToString() => $"{Topic}[{Partition}]@{Offset} {Reason}";
}
