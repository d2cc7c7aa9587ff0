using System.Collections.Concurrent;
using Akka;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests;

public sealed class PartitionedSourceTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    [Fact]
    public async Task CommittablePartitionedSource_with_parallel_substreams_keeps_per_partition_order()
    {
        const int partitions = 8;
        const int total = 8_000;
        var topic = Kafka.NewTopic(partitions);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, partitions, total);

        var seen = new ConcurrentDictionary<int, ConcurrentQueue<long>>();
        var active = 0;
        var maxActive = 0;
        var control = KafkaConsumer.CommittablePartitionedSource(ConsumerSettings(group), Subscriptions.Topics(topic))
            .MergePartitions(partitions, (_, messages) => messages.SelectAsync(4, async m =>
            {
                // Work of uneven length, several partitions at once.
                var now = Interlocked.Increment(ref active);
                InterlockedMax(ref maxActive, now);
                if (m.Record.Offset.Value % 7 == 0) await Task.Delay(1);
                else await Task.Yield();
                Interlocked.Decrement(ref active);
                return m;
            }).Select(m =>
            {
                seen.GetOrAdd(m.Record.Partition.Value, _ => new ConcurrentQueue<long>()).Enqueue(m.Record.Offset.Value);
                return (ICommittable)m.CommittableOffset;
            }))
            .ToMaterialized(Committer.Sink(CommitterSettings), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(Materializer);

        await Eventually.True(() => seen.Values.Sum(q => q.Count) >= total, Patience, () => $"{seen.Values.Sum(q => q.Count)} seen");
        await control.DrainAndShutdown().WaitAsync(Patience);

        Assert.Equal(partitions, seen.Count);
        foreach (var (partition, offsets) in seen)
        {
            var list = offsets.ToList();
            Assert.Equal(Enumerable.Range(0, total / partitions).Select(i => (long)i), list);
            Assert.True(list.Count == total / partitions, $"partition {partition}");
        }
        Assert.True(maxActive > 1, "substreams ran in parallel");
        Assert.Equal(Kafka.EndOffsets(topic, partitions), Kafka.Committed(group, topic, partitions));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
