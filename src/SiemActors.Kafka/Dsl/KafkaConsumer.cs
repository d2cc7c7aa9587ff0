using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Stages;

namespace SiemActors.Kafka.Dsl;

/// <summary>Consumer sources, named as in Akka.Streams.Kafka. Each materializes an <see cref="IControl"/>.</summary>
public static class KafkaConsumer
{
    /// <summary>Records without commit handles; offsets are committed only if <c>enable.auto.commit</c> is set.</summary>
    public static Source<ConsumeResult<TKey, TValue>, IControl> PlainSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription) =>
        Source.FromGraph(new SingleSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>>(settings, subscription, (r, _) => r));

    /// <summary>Records with their offset to commit (through <see cref="Committer"/>) once processed.</summary>
    public static Source<CommittableMessage<TKey, TValue>, IControl> CommittableSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription)
    {
        RequireGroup(settings);
        return Source.FromGraph(new SingleSourceStage<TKey, TValue, CommittableMessage<TKey, TValue>>(settings, subscription, ToCommittable));
    }

    /// <summary>
    /// A substream per assigned partition, completed when the partition is revoked. Run the substreams in parallel
    /// (for example <c>.MergeMany(n, p =&gt; p.Item2...)</c>); each keeps its partition's order.
    /// </summary>
    public static Source<(TopicPartition Partition, Source<CommittableMessage<TKey, TValue>, NotUsed> Messages), IControl>
        CommittablePartitionedSource<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, ISubscription subscription)
    {
        RequireGroup(settings);
        return Source.FromGraph(new PartitionedSourceStage<TKey, TValue, CommittableMessage<TKey, TValue>>(settings, subscription, 1,
            (records, assignment) => ToCommittable(records[0], assignment)));
    }

    /// <summary>
    /// Like <see cref="CommittablePartitionedSource{TKey,TValue}"/>, but each element of a partition's substream is a
    /// chunk of its records in order: what the partition has buffered when the substream pulls, up to
    /// <paramref name="maxRecords"/> (at least one). Handing records over in chunks costs one crossing into the
    /// substream per chunk instead of one per record; for pipelines that batch anyway (e.g. with
    /// <c>GroupedWeightedWithin</c> on the chunk sizes).
    /// </summary>
    public static Source<(TopicPartition Partition, Source<IReadOnlyList<CommittableMessage<TKey, TValue>>, NotUsed> Messages), IControl>
        CommittableChunkedPartitionedSource<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, ISubscription subscription, int maxRecords)
    {
        RequireGroup(settings);
        return Source.FromGraph(new PartitionedSourceStage<TKey, TValue, IReadOnlyList<CommittableMessage<TKey, TValue>>>(settings, subscription,
            maxRecords, (records, assignment) =>
            {
                var chunk = new CommittableMessage<TKey, TValue>[records.Count];
                for (var i = 0; i < chunk.Length; i++) chunk[i] = ToCommittable(records[i], assignment);
                return chunk;
            }));
    }

    /// <summary>
    /// Records whose offset is committed before they are emitted: a record is processed at most once (a crash after
    /// the commit loses it). Each commit is awaited, so this is slow; prefer <see cref="CommittableSource{TKey,TValue}"/>.
    /// </summary>
    public static Source<ConsumeResult<TKey, TValue>, IControl> AtMostOnceSource<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription) =>
        CommittableSource(settings, subscription).SelectAsync(1, async m =>
        {
            await m.CommittableOffset.Commit().ConfigureAwait(false);
            return m.Record;
        });

    /// <summary>
    /// Records with their committable offset as the stream's context (<see cref="SourceWithContext{TOut,TCtx,TMat}"/>):
    /// operators keep each element's offset with it, and <see cref="Committer.SinkWithOffsetContext{T}"/> commits it.
    /// </summary>
    public static SourceWithContext<ConsumeResult<TKey, TValue>, ICommittableOffset, IControl> SourceWithOffsetContext<TKey, TValue>(
        ConsumerSettings<TKey, TValue> settings, ISubscription subscription) =>
        SourceWithContext.FromTuples(CommittableSource(settings, subscription).Select(m => (m.Record, (ICommittableOffset)m.CommittableOffset)));

    /// <summary>A substream of records per assigned partition, completed when the partition is revoked (no commit handles).</summary>
    public static Source<(TopicPartition Partition, Source<ConsumeResult<TKey, TValue>, NotUsed> Messages), IControl>
        PlainPartitionedSource<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, ISubscription subscription) =>
        Source.FromGraph(new PartitionedSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>>(settings, subscription, 1,
            (records, _) => records[0]));

    /// <summary>
    /// Like <see cref="PlainPartitionedSource{TKey,TValue}"/>, for offsets kept outside Kafka (in the same store as the
    /// results, for example): when partitions are assigned, <paramref name="getOffsetsOnAssign"/> gives the offset to
    /// start each from (a partition it leaves out starts from the group's committed offset); it is awaited on the
    /// consumer's thread before anything of them is fetched, for at most 30 s, else the source fails.
    /// <paramref name="onRevoke"/> is told of partitions taken away, after their substreams completed. Use with
    /// <see cref="Subscriptions.Topics"/>.
    /// </summary>
    public static Source<(TopicPartition Partition, Source<ConsumeResult<TKey, TValue>, NotUsed> Messages), IControl>
        PlainPartitionedManualOffsetSource<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
            Func<IReadOnlyList<TopicPartition>, Task<IReadOnlyDictionary<TopicPartition, long>>> getOffsetsOnAssign,
            Action<IReadOnlyList<TopicPartition>>? onRevoke = null) =>
        Source.FromGraph(new PartitionedSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>>(settings, subscription, 1,
            (records, _) => records[0], new PartitionHooks(getOffsetsOnAssign, onRevoke)));

    /// <summary><see cref="PlainPartitionedManualOffsetSource{TKey,TValue}"/> with commit handles (offsets committed to Kafka as well).</summary>
    public static Source<(TopicPartition Partition, Source<CommittableMessage<TKey, TValue>, NotUsed> Messages), IControl>
        CommittablePartitionedManualOffsetSource<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
            Func<IReadOnlyList<TopicPartition>, Task<IReadOnlyDictionary<TopicPartition, long>>> getOffsetsOnAssign,
            Action<IReadOnlyList<TopicPartition>>? onRevoke = null)
    {
        RequireGroup(settings);
        return Source.FromGraph(new PartitionedSourceStage<TKey, TValue, CommittableMessage<TKey, TValue>>(settings, subscription, 1,
            (records, assignment) => ToCommittable(records[0], assignment), new PartitionHooks(getOffsetsOnAssign, onRevoke)));
    }

    private static CommittableMessage<TKey, TValue> ToCommittable<TKey, TValue>(ConsumeResult<TKey, TValue> record, PartitionAssignment assignment) =>
        new(record, new CommittableOffset(assignment, record.Offset.Value));

    private static void RequireGroup<TKey, TValue>(ConsumerSettings<TKey, TValue> settings)
    {
        if (string.IsNullOrEmpty(settings.GroupId))
            throw new ArgumentException("committable sources need a group.id: use ConsumerSettings.WithGroupId");
    }
}
