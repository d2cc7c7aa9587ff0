using Confluent.Kafka;

namespace SiemActors.Kafka.Messages;

/// <summary>A record to produce: topic (optionally a fixed partition) and Confluent.Kafka's message.</summary>
public sealed record ProducerRecord<TKey, TValue>(string Topic, Message<TKey, TValue> Message, Partition? Partition = null)
{
    public ProducerRecord(string topic, TKey key, TValue value) : this(topic, new Message<TKey, TValue> { Key = key, Value = value })
    {
    }
}

/// <summary>What a producer flow takes: records to produce, and a value passed through to its result.</summary>
public interface IEnvelope<TKey, TValue, out TPassThrough>
{
    TPassThrough PassThrough { get; }

    IReadOnlyList<ProducerRecord<TKey, TValue>> Records { get; }
}

/// <summary>What a producer flow emits, in the order of its envelopes, once every record of one is acknowledged.</summary>
public interface IResults<TKey, TValue, out TPassThrough>
{
    TPassThrough PassThrough { get; }

    /// <summary>The broker's acknowledgement of each record, in the envelope's order (empty for a pass-through).</summary>
    IReadOnlyList<DeliveryResult<TKey, TValue>> Deliveries { get; }
}

/// <summary>Envelope factories, as in Akka.Streams.Kafka.</summary>
public static class ProducerMessage
{
    /// <summary>One record.</summary>
    public static IEnvelope<TKey, TValue, TPassThrough> Single<TKey, TValue, TPassThrough>(ProducerRecord<TKey, TValue> record,
        TPassThrough passThrough) => new Envelope<TKey, TValue, TPassThrough>([record], passThrough);

    /// <summary>Several records; the result is emitted when all are acknowledged.</summary>
    public static IEnvelope<TKey, TValue, TPassThrough> Multi<TKey, TValue, TPassThrough>(
        IReadOnlyList<ProducerRecord<TKey, TValue>> records, TPassThrough passThrough) =>
        new Envelope<TKey, TValue, TPassThrough>(records, passThrough);

    /// <summary>No record: only the pass-through, in order with the others (for example, an offset to commit).</summary>
    public static IEnvelope<TKey, TValue, TPassThrough> PassThrough<TKey, TValue, TPassThrough>(TPassThrough passThrough) =>
        new Envelope<TKey, TValue, TPassThrough>([], passThrough);

    private sealed record Envelope<TKey, TValue, TPassThrough>(IReadOnlyList<ProducerRecord<TKey, TValue>> Records,
        TPassThrough PassThrough) : IEnvelope<TKey, TValue, TPassThrough>;
}

/// <summary>The result of one envelope.</summary>
internal sealed record Results<TKey, TValue, TPassThrough>(IReadOnlyList<DeliveryResult<TKey, TValue>> Deliveries,
    TPassThrough PassThrough) : IResults<TKey, TValue, TPassThrough>;
