using Confluent.Kafka;

namespace SiemActors.Kafka;

/// <summary>What a source reads: topics through the group protocol, or fixed partitions.</summary>
public interface ISubscription
{
    /// <summary>Applies itself to the consumer; a manual assignment reports its partitions through <paramref name="assigned"/>.</summary>
    internal void Apply<TKey, TValue>(IConsumer<TKey, TValue> consumer, Action<IReadOnlyList<TopicPartition>> assigned);
}

/// <summary>Factory of subscriptions, as in Akka.Streams.Kafka.</summary>
public static class Subscriptions
{
    /// <summary>Topics; partitions are assigned and rebalanced by the consumer group.</summary>
    public static ISubscription Topics(params string[] topics)
    {
        if (topics.Length == 0) throw new ArgumentException("at least one topic", nameof(topics));
        return new TopicSubscription(topics);
    }

    /// <summary>Fixed partitions from their committed offsets (or <c>auto.offset.reset</c>); no group rebalancing.</summary>
    public static ISubscription Assignment(params TopicPartition[] partitions) =>
        AssignmentWithOffset(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Unset)).ToArray());

    /// <summary>Fixed partitions from given offsets.</summary>
    public static ISubscription AssignmentWithOffset(params TopicPartitionOffset[] partitions)
    {
        if (partitions.Length == 0) throw new ArgumentException("at least one partition", nameof(partitions));
        return new AssignmentSubscription(partitions);
    }

    private sealed record TopicSubscription(IReadOnlyList<string> Topics) : ISubscription
    {
        void ISubscription.Apply<TKey, TValue>(IConsumer<TKey, TValue> consumer, Action<IReadOnlyList<TopicPartition>> assigned) =>
            consumer.Subscribe(Topics);

        public override string ToString() => "Topics(" + string.Join(", ", Topics) + ")";
    }

    private sealed record AssignmentSubscription(IReadOnlyList<TopicPartitionOffset> Partitions) : ISubscription
    {
        void ISubscription.Apply<TKey, TValue>(IConsumer<TKey, TValue> consumer, Action<IReadOnlyList<TopicPartition>> assigned)
        {
            consumer.Assign(Partitions);
            assigned(Partitions.Select(p => p.TopicPartition).ToList());
        }

        public override string ToString() => "Assignment(" + string.Join(", ", Partitions) + ")";
    }
}
