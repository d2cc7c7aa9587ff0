namespace SiemActors.Fuzz;

/// <summary>
/// One record to produce: its value (null: a tombstone), key, Kafka timestamp (null: the producer's clock), and what it
/// is. A marker is a valid event the campaign expects in every store exactly once.
/// </summary>
public sealed record FuzzRecord(byte[]? Value, byte[]? Key, long? TimestampMs, Mutation Kind, long? Marker = null)
{
    public bool IsMarker => Marker is not null;
}
