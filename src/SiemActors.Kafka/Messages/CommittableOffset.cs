using SiemActors.Kafka.Stages;

namespace SiemActors.Kafka.Messages;

/// <summary>One message's offset, tied to the partition assignment it was consumed under.</summary>
internal sealed class CommittableOffset(PartitionAssignment assignment, long offset) : ICommittableOffset
{
    public PartitionAssignment Assignment { get; } = assignment;

    public long RecordOffset { get; } = offset;

    public GroupTopicPartitionOffset Offset =>
        new(Assignment.GroupId, Assignment.TopicPartition.Topic, Assignment.TopicPartition.Partition, RecordOffset);

    public long BatchSize => 1;

    public Task Commit() => Assignment.Committer.Commit([new OffsetToCommit(Assignment, RecordOffset + 1)]);

    public override string ToString() => Offset.ToString();
}
