namespace SiemActors.Kafka.Embedded;

/// <summary>A failure of the embedded mock cluster, with librdkafka's own error text.</summary>
public sealed class EmbeddedKafkaException(string message) : Exception(message);
