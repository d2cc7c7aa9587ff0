using Confluent.Kafka;
using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;

namespace SiemActors.Pipeline;

/// <summary>
/// The Kafka output (<c>kafka</c> destination): normalized events as JSON to <c>siem.kafka.topics.processed.name</c>,
/// keyed by host, through an idempotent producer with lz4. A batch completes when the broker acknowledged every event,
/// so the commit waits for it like for the other sinks. Across a crash, a replayed batch is produced again: the output
/// is at least once (transactions cannot be verified on the mock broker; see docs/delivery.md).
/// </summary>
public sealed class KafkaEventSink(IProducer<string, byte[]> producer, string topic) : IEventSink
{
    public const string DestinationName = "kafka";

    public string Name => DestinationName;

    public static IProducer<string, byte[]> CreateProducer(string bootstrapServers) =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
        }).Build();

    public async Task WriteAsync(EventBatch batch, CancellationToken cancellation)
    {
        if (batch.Events.Count == 0) return;
        var sends = new Task[batch.Events.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            var e = batch.Events[i];
            sends[i] = producer.ProduceAsync(topic, new Message<string, byte[]> { Key = e.Event.Host, Value = EventJson.ToUtf8(e) }, cancellation);
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    public void OnPartitionAssigned(string topic, int partition)
    {
    }
}
