using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace SiemActors.Kafka.Dsl;

/// <summary>Runs a partitioned source's substreams in parallel and merges what they emit.</summary>
public static class PartitionedSourceExtensions
{
    /// <summary>
    /// Applies <paramref name="perPartition"/> to each partition's substream and merges up to
    /// <paramref name="parallelism"/> of them (use at least the partitions one consumer may own, or some wait).
    /// Order holds within a partition, not across partitions. Keeps the source's <see cref="IControl"/>.
    /// </summary>
    public static Source<TOut, IControl> MergePartitions<TIn, TOut>(
        this Source<(TopicPartition Partition, Source<TIn, NotUsed> Messages), IControl> source, int parallelism,
        Func<TopicPartition, Source<TIn, NotUsed>, Source<TOut, NotUsed>> perPartition) =>
        source.Via(Flow.Create<(TopicPartition Partition, Source<TIn, NotUsed> Messages)>()
            .MergeMany(parallelism, pair => perPartition(pair.Partition, pair.Messages)));
}
