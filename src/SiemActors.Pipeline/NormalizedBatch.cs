using Confluent.Kafka;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Kafka.Messages;

namespace SiemActors.Pipeline;

/// <summary>A record no parser accepted, with the reason: bound for the dead-letter topic.</summary>
public sealed record RejectedRecord(ConsumeResult<byte[]?, byte[]?> Record, DeadLetter Reason);

/// <summary>
/// One partition batch after normalization: its events, its rejects, and the offset that commits all of it.
/// </summary>
public sealed record NormalizedBatch(
    string Topic,
    int Partition,
    long FirstOffset,
    long LastOffset,
    IReadOnlyList<SecurityEvent> Events,
    IReadOnlyList<RejectedRecord> Rejected,
    ICommittableOffset Commit)
{
    public EventBatch Enriched(IReadOnlyList<EnrichedEvent> events) => new(Topic, Partition, FirstOffset, LastOffset, events);
}
