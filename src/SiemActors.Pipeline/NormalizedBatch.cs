using SiemActors.Domain.Events;
using SiemActors.Kafka.Messages;
using SiemActors.Pipeline.DeadLetters;

namespace SiemActors.Pipeline;

/// <summary>
/// One partition batch after normalization: its events, its records for the dead-letter topic, and the offset that
/// commits all of it.
/// </summary>
public sealed record NormalizedBatch(
    string Topic,
    int Partition,
    long FirstOffset,
    long LastOffset,
    IReadOnlyList<SecurityEvent> Events,
    IReadOnlyList<DeadLetterRecord> Rejected,
    ICommittableOffset Commit)
{
    public EventBatch Enriched(IReadOnlyList<EnrichedEvent> events) => new(Topic, Partition, FirstOffset, LastOffset, events);
}
