using Confluent.Kafka;

namespace SiemActors.Kafka.Messages;

/// <summary>Where a message sits: consumer group, topic, partition, offset.</summary>
public readonly record struct GroupTopicPartitionOffset(string GroupId, string Topic, int Partition, long Offset)
{
    public TopicPartition TopicPartition => new(Topic, Partition);

    public override string ToString() => $"{GroupId}/{Topic}[{Partition}]@{Offset}";
}
