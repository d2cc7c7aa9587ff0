namespace SiemActors.Kafka.Messages;

/// <summary>Something that can be committed: one offset or a batch of them.</summary>
public interface ICommittable
{
    /// <summary>
    /// Commits on the consumer that emitted the offsets. Offsets of partitions the consumer no longer owns are not
    /// committed (the new owner will process those messages again); the task still completes.
    /// </summary>
    Task Commit();

    /// <summary>How many messages this stands for.</summary>
    long BatchSize { get; }
}

/// <summary>The offset of one consumed message, committable once the message is fully processed.</summary>
public interface ICommittableOffset : ICommittable
{
    GroupTopicPartitionOffset Offset { get; }
}
