using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// One partition, for as long as one consumer owns it. A new assignment of the same partition is a new object, so an
/// offset emitted under an earlier ownership can never be committed under a later one.
/// </summary>
internal sealed class PartitionAssignment(TopicPartition topicPartition, string groupId, IOffsetCommitter committer)
{
    private long _emittedNext = -1;
    private volatile bool _revoked;
    private long _heldRecords;
    private long _heldBytes;

    public TopicPartition TopicPartition { get; } = topicPartition;

    public string GroupId { get; } = groupId;

    public IOffsetCommitter Committer { get; } = committer;

    /// <summary>The offset after the last message the stage emitted; -1 before the first.</summary>
    public long EmittedNext => Volatile.Read(ref _emittedNext);

    /// <summary>The offset last committed under this assignment; -1 before the first. Loop thread only.</summary>
    public long CommittedNext { get; set; } = -1;

    /// <summary>Set by the consume loop when the partition is being taken away; the stage emits nothing more from it.</summary>
    public bool IsRevoked => _revoked;

    /// <summary>Called by the stage right before it pushes the message at <paramref name="offset"/>.</summary>
    public void MarkEmitted(long offset) => Volatile.Write(ref _emittedNext, offset + 1);

    public void MarkRevoked() => _revoked = true;

    /// <summary>Records of this ownership handed to the stage and not yet emitted or dropped (<see cref="FetchBudget"/>).</summary>
    public long HeldRecords => Interlocked.Read(ref _heldRecords);

    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    internal void Hold(long records, long bytes)
    {
        Interlocked.Add(ref _heldRecords, records);
        Interlocked.Add(ref _heldBytes, bytes);
    }

    /// <summary>Everything emitted has been committed.</summary>
    public bool IsSettled => CommittedNext >= EmittedNext;

    public override string ToString() => $"{TopicPartition.Topic}[{TopicPartition.Partition.Value}]";
}

/// <summary>An offset to commit: the next offset to read, under the assignment it was consumed in.</summary>
internal readonly record struct OffsetToCommit(PartitionAssignment Assignment, long Next);

/// <summary>Commits offsets on the consumer that emitted them.</summary>
internal interface IOffsetCommitter
{
    Task Commit(IReadOnlyList<OffsetToCommit> offsets);
}
