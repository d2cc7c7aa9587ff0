using SiemActors.Domain.Events;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;

namespace SiemActors.Pipeline;

/// <summary>A destination of partition batches. Writes of one partition come one at a time, in order.</summary>
public interface IEventSink
{
    string Name { get; }

    /// <summary>
    /// Written as soon as a batch is enriched, while the other sinks may still be writing the partition's batch before
    /// it (still one batch at a time, in order): the live view's feed, which should not wait for a slower store.
    /// </summary>
    bool Early => false;

    /// <summary>
    /// Completes once the batch is durably written (retrying inside while the store is down), with the events the sink
    /// refused for their content; the pipeline dead-letters those before it commits.
    /// </summary>
    Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken cancellation);

    /// <summary>The partition was just assigned to this node: forget anything cached about it.</summary>
    void OnPartitionAssigned(string topic, int partition);

    /// <summary>The highest offset the sink holds of the partition under <paramref name="markTopic"/> (<see cref="EventBatch.MarkTopic"/>); -1 for none.</summary>
    Task<long> HighWaterMarkAsync(string markTopic, int partition);
}

/// <summary>The Redis sink as a pipeline destination.</summary>
public sealed class RedisEventSink(RedisEventWriter writer) : IEventSink
{
    public string Name => "redis";

    /// <summary>The live view reads Redis: it should not wait for ClickHouse's inserts.</summary>
    public bool Early => true;

    public Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken cancellation) => writer.WriteAsync(batch, cancellation);

    public void OnPartitionAssigned(string topic, int partition)
    {
    }

    public Task<long> HighWaterMarkAsync(string markTopic, int partition) => writer.HighWaterMarkAsync(markTopic, partition);
}

/// <summary>The ClickHouse sink as a pipeline destination.</summary>
public sealed class ClickHouseEventSink(ClickHouseEventWriter writer) : IEventSink
{
    public string Name => "clickhouse";

    public Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken cancellation) => writer.WriteAsync(batch, cancellation);

    public void OnPartitionAssigned(string topic, int partition) => writer.Forget(topic, partition);

    public Task<long> HighWaterMarkAsync(string markTopic, int partition) => writer.HighWaterMarkAsync(markTopic, partition);
}
