using Confluent.Kafka;

namespace SiemActors.Kafka.Messages;

/// <summary>A consumed record with the offset to commit once it is processed.</summary>
/// <remarks>Akka.Streams.Kafka spells the second property <c>CommitableOffset</c>; this one is spelled right.</remarks>
public sealed record CommittableMessage<TKey, TValue>(ConsumeResult<TKey, TValue> Record, ICommittableOffset CommittableOffset);
