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

    private static CommittableMessage<TKey, TValue> ToCommittable<TKey, TValue>(ConsumeResult<TKey, TValue> record, PartitionAssignment assignment) =>
        new(record, new CommittableOffset(assignment, record.Offset.Value));

    private static void RequireGroup<TKey, TValue>(ConsumerSettings<TKey, TValue> settings)
    {
        if (string.IsNullOrEmpty(settings.GroupId))
            throw new ArgumentException("committable sources need a group.id: use ConsumerSettings.WithGroupId");
    }
}
