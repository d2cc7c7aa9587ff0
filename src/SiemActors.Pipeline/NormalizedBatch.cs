using SiemActors.Domain.Events;
using SiemActors.Kafka.Messages;
using SiemActors.Pipeline.DeadLetters;

namespace SiemActors.Pipeline;

/// <summary>
/// One partition batch after normalization: its events, its records for the dead-letter topic, the offset that commits
/// all of it, and the partition's log epoch (<see cref="KafkaOrigin.Epoch"/>).
/// </summary>
public sealed record NormalizedBatch(
    string Topic,
    int Partition,
    long FirstOffset,
    long LastOffset,
    IReadOnlyList<SecurityEvent> Events,
    IReadOnlyList<DeadLetterRecord> Rejected,
    ICommittableOffset Commit,
    int Epoch = 0)
{
    /// <summary>The partition number the sharded entities know this log by (<see cref="LogEpochs.EntityPartition"/>).</summary>
    public int EntityPartition => LogEpochs.EntityPartition(Partition, Epoch);

    public EventBatch Enriched(IReadOnlyList<EnrichedEvent> events) => new(Topic, Partition, FirstOffset, LastOffset, events, Epoch);
}
