namespace SiemActors.Domain.Events;

/// <summary>
/// Consecutive events of one Kafka partition, in offset order: the unit every sink writes atomically and
/// idempotently. <see cref="LastOffset"/> covers records that were dead-lettered too, so a sink's high-water mark
/// moves past them. <see cref="Epoch"/> is the partition's log epoch (<see cref="KafkaOrigin"/>).
/// </summary>
public sealed record EventBatch(string Topic, int Partition, long FirstOffset, long LastOffset, IReadOnlyList<EnrichedEvent> Events, int Epoch = 0)
{
    /// <summary>
    /// The name the sinks keep this partition's high-water mark under: the topic for the first log, <c>topic@epoch</c>
    /// for a later one, so that a new log's offsets are never taken for ones written from an older log.
    /// </summary>
    public string MarkTopic => LogEpochs.MarkTopic(Topic, Epoch);

    public override string ToString() => Epoch == 0
        ? $"{Topic}[{Partition}]@{FirstOffset}..{LastOffset} ({Events.Count} events)"
        : $"{Topic}[{Partition}]@{FirstOffset}..{LastOffset} of log epoch {Epoch} ({Events.Count} events)";
}
