namespace SiemActors.Domain.Events;

/// <summary>Where an event was read: its Kafka topic, partition and offset.</summary>
public readonly record struct KafkaOrigin(string Topic, int Partition, long Offset)
{
    /// <summary>The event id of an event whose shipper gave none: unique and the same on every replay.</summary>
    public string DerivedEventId() => $"{Topic}-{Partition}-{Offset}";

    public override string ToString() => $"{Topic}[{Partition}]@{Offset}";
}
