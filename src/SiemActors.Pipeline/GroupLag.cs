using Confluent.Kafka;

namespace SiemActors.Pipeline;

/// <summary>One partition's lag as Kafka's own tools compute it: end offset − the group's committed offset; null where unknown.</summary>
public sealed record PartitionLag(string Topic, int Partition, long? CommittedOffset, long? EndOffset, bool AssignedHere)
{
    public long? Lag => CommittedOffset is { } c && EndOffset is { } e ? Math.Max(0, e - c) : null;
}

/// <summary>The consumer group's lag over every partition of the events topic at one moment.</summary>
public sealed record GroupLagSnapshot(string Group, string Topic, DateTimeOffset MeasuredAt, IReadOnlyList<PartitionLag> Partitions)
{
    /// <summary>The sum over the partitions whose lag is known; null when none is.</summary>
    public long? TotalLag => Partitions.Any(p => p.Lag is not null) ? Partitions.Sum(p => p.Lag ?? 0) : null;

    /// <summary>Partitions without a committed offset or an end offset: their lag is unknown, not 0.</summary>
    public int UnknownPartitions => Partitions.Count(p => p.Lag is null);
}

/// <summary>
/// Reads the group's lag from the brokers, as <c>kafka-consumer-groups --describe</c> does: the group's committed offsets
/// (OffsetFetch, without joining the group) and each partition's end offset, for every partition of the topic — whoever
/// owns it, and also before this node has any, after a restart or during a failover. Blocking client calls run on the
/// thread pool; one read at a time.
/// </summary>
public sealed class GroupLag(IReadOnlyDictionary<string, string> client, string groupId, string topic) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly IConsumer<Ignore, Ignore> _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(client.ToDictionary())
    {
        GroupId = groupId,
        EnableAutoCommit = false,
    }).Build();
    private readonly IAdminClient _admin = new AdminClientBuilder(new AdminClientConfig(client.ToDictionary())).Build();

    public string Group => groupId;

    /// <param name="assignedHere">Whether a partition is assigned to this node (shown beside its lag).</param>
    /// <param name="cancellation">Stops the wait for the previous read.</param>
    public async Task<GroupLagSnapshot> ReadAsync(Func<int, bool> assignedHere, CancellationToken cancellation = default)
    {
        await _one.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Read(assignedHere), cancellation).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>A partition's end offset (high watermark), without waiting for a lag read in progress.</summary>
    public Task<long> EndOffsetAsync(string partitionTopic, int partition) =>
        Task.Run(() => _consumer.QueryWatermarkOffsets(new TopicPartition(partitionTopic, partition), Timeout).High.Value);

    private GroupLagSnapshot Read(Func<int, bool> assignedHere)
    {
        var metadata = _admin.GetMetadata(topic, Timeout).Topics.FirstOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError)
            throw new KafkaException(metadata?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"no metadata for {topic}"));
        var partitions = metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToList();
        var committed = _consumer.Committed(partitions, Timeout).ToDictionary(c => c.Partition.Value, c => c.Offset);
        var lags = partitions.Select(tp =>
        {
            long? end;
            try
            {
                end = _consumer.QueryWatermarkOffsets(tp, Timeout).High.Value;
            }
            catch (KafkaException)
            {
                end = null;
            }
            long? done = committed.TryGetValue(tp.Partition.Value, out var c) && c.Value >= 0 ? c.Value : null;
            return new PartitionLag(topic, tp.Partition.Value, done, end, assignedHere(tp.Partition.Value));
        }).ToList();
        return new GroupLagSnapshot(groupId, topic, DateTimeOffset.UtcNow, lags);
    }

    public void Dispose()
    {
        _consumer.Dispose();
        _admin.Dispose();
    }
}
