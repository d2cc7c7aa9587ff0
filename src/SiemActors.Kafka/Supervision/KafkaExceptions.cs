using Confluent.Kafka;

namespace SiemActors.Kafka.Supervision;

/// <summary>A record could not be consumed (for example, it did not deserialize) and the decider said stop.</summary>
public sealed class KafkaConsumeFailedException(string where, ConsumeException cause)
    : Exception($"consuming the record at {where} failed: {cause.Error.Reason}", cause)
{
    public ConsumeException Consume => cause;
}

/// <summary>A commit was asked of a consumer that has closed; nothing was committed.</summary>
public sealed class KafkaConsumerClosedException(string groupId)
    : Exception($"the Kafka consumer of group '{groupId}' is closed: the offsets were not committed");

/// <summary>A record could not be delivered by the producer; the producer stage fails with it.</summary>
public sealed class KafkaProduceFailedException(string topic, Error error)
    : Exception($"producing to '{topic}' failed: {error.Reason} ({error.Code})")
{
    public Error Error => error;
}
