using Confluent.Kafka;

namespace SiemActors.Pipeline.Epochs;

/// <summary>Partitions' log start and end offsets, from a consumer of its own that joins no group.</summary>
public sealed class Watermarks(string bootstrapServers) : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
    {
        BootstrapServers = bootstrapServers,
        GroupId = "siem-watermarks",
        EnableAutoCommit = false,
    }).Build();

    /// <summary>The partition's end offset (high watermark); the blocking call runs on the thread pool.</summary>
    public Task<long> EndAsync(string topic, int partition) =>
        Task.Run(() => _consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value);

    public void Dispose() => _consumer.Dispose();
}
