using SiemActors.Kafka.Stages;

namespace SiemActors.Kafka.Messages;

/// <summary>
/// Offsets folded to the highest one per partition assignment; committing it commits that offset + 1 for each.
/// </summary>
/// <remarks>
/// Folding to the highest offset is right only when every lower offset of the partition passed through processing
/// first, which holds when the stream keeps per-partition order up to the committer.
/// </remarks>
public sealed class CommittableOffsetBatch : ICommittable
{
    private readonly Dictionary<PartitionAssignment, long> _next = new(ReferenceEqualityComparer.Instance);

    public static CommittableOffsetBatch Empty => new();

    public long BatchSize { get; private set; }

    public bool IsEmpty => BatchSize == 0;

    /// <summary>The offsets this batch will commit: the next offset to read, per partition.</summary>
    public IReadOnlyList<GroupTopicPartitionOffset> Offsets =>
        _next.Select(kv => new GroupTopicPartitionOffset(kv.Key.GroupId, kv.Key.TopicPartition.Topic,
            kv.Key.TopicPartition.Partition, kv.Value)).ToList();

    /// <summary>Adds to this batch (it is mutated: build a batch on one thread, then commit it).</summary>
    public CommittableOffsetBatch Updated(ICommittable committable)
    {
        switch (committable)
        {
            case CommittableOffset one:
                Add(one.Assignment, one.RecordOffset + 1, 1);
                break;
            case CommittableOffsetBatch other:
                foreach (var (assignment, next) in other._next) Add(assignment, next, 0);
                BatchSize += other.BatchSize;
                break;
            default:
                throw new ArgumentException($"cannot batch {committable.GetType().Name}: only offsets from SiemActors.Kafka sources");
        }
        return this;
    }

    public Task Commit()
    {
        if (_next.Count == 0) return Task.CompletedTask;
        var byCommitter = _next.GroupBy(kv => kv.Key.Committer);
        return Task.WhenAll(byCommitter.Select(g => g.Key.Commit(g.Select(kv => new OffsetToCommit(kv.Key, kv.Value)).ToList())));
    }

    private void Add(PartitionAssignment assignment, long next, long count)
    {
        if (!_next.TryGetValue(assignment, out var current) || next > current) _next[assignment] = next;
        BatchSize += count;
    }
}
