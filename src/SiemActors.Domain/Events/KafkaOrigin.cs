namespace SiemActors.Domain.Events;

/// <summary>
/// Where an event was read: its Kafka topic, partition and offset, and the partition's log epoch — 0 for the log the
/// pipeline first met, one more each time the partition turned out to be a new log with offsets starting again
/// (the topic deleted and created again, or truncated): offsets alone do not name a record across logs.
/// </summary>
public readonly record struct KafkaOrigin(string Topic, int Partition, long Offset, int Epoch = 0)
{
    /// <summary>The event id of an event whose shipper gave none: unique and the same on every replay.</summary>
    public string DerivedEventId() => Epoch == 0 ? $"{Topic}-{Partition}-{Offset}" : $"{Topic}-{Partition}-{Offset}~{Epoch}";

    public override string ToString() => Epoch == 0 ? $"{Topic}[{Partition}]@{Offset}" : $"{Topic}[{Partition}]@{Offset} (log epoch {Epoch})";
}
