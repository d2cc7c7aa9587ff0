using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// What a manual-offset source runs on the consumer's thread when the group changes its partitions: where to start
/// each newly assigned partition (an offset of its own store; a partition it leaves out starts from the group's
/// committed offset), and what to do when partitions go. The offsets are awaited for at most <see cref="OffsetsTimeout"/>;
/// past it, or if they fail, the source fails rather than start anywhere else.
/// </summary>
internal sealed record PartitionHooks(
    Func<IReadOnlyList<TopicPartition>, Task<IReadOnlyDictionary<TopicPartition, long>>>? OffsetsOnAssign,
    Action<IReadOnlyList<TopicPartition>>? OnRevoke)
{
    public static readonly TimeSpan OffsetsTimeout = TimeSpan.FromSeconds(30);

    public static readonly PartitionHooks None = new(null, null);
}
