namespace SiemActors.Domain.Events;

/// <summary>
/// Consecutive events of one Kafka partition, in offset order: the unit every sink writes atomically and
/// idempotently. <see cref="LastOffset"/> covers records that were dead-lettered too, so a sink's high-water mark
/// moves past them.
/// </summary>
public sealed record EventBatch(string Topic, int Partition, long FirstOffset, long LastOffset, IReadOnlyList<EnrichedEvent> Events)
{
    public override string ToString() => $"{Topic}[{Partition}]@{FirstOffset}..{LastOffset} ({Events.Count} events)";
}
