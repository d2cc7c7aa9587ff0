using System.Collections.Concurrent;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using SiemActors.Testing;

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

    [Fact]
    public async Task The_chunked_source_hands_each_partition_over_in_ordered_chunks_of_at_most_the_limit()
    {
        const int partitions = 4;
        const int total = 20_000;
        const int maxRecords = 300;
        var topic = Kafka.NewTopic(partitions);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, partitions, total);

        var offsets = new ConcurrentDictionary<int, ConcurrentQueue<long>>();
        var sizes = new ConcurrentQueue<int>();
        var control = KafkaConsumer.CommittableChunkedPartitionedSource(ConsumerSettings(group), Subscriptions.Topics(topic), maxRecords)
            .MergePartitions(partitions, (tp, chunks) => chunks.Select(chunk =>
            {
                sizes.Enqueue(chunk.Count);
                var seen = offsets.GetOrAdd(tp.Partition.Value, _ => new ConcurrentQueue<long>());
                foreach (var m in chunk)
                {
                    Assert.Equal(tp.Partition, m.Record.Partition);
                    seen.Enqueue(m.Record.Offset.Value);
                }
                return (ICommittable)chunk[^1].CommittableOffset;
            }))
            .ToMaterialized(Committer.Sink(CommitterSettings), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(Materializer);

        await Eventually.True(() => offsets.Values.Sum(q => q.Count) >= total, Patience, () => $"{offsets.Values.Sum(q => q.Count)} seen");
        await control.DrainAndShutdown().WaitAsync(Patience);

        foreach (var (_, seen) in offsets) Assert.Equal(Enumerable.Range(0, total / partitions).Select(i => (long)i), seen);
        Assert.All(sizes, n => Assert.InRange(n, 1, maxRecords));
        Assert.True(sizes.Count < total / 10, $"{sizes.Count} chunks for {total} records: records were handed over in chunks");
        Assert.Equal(Kafka.EndOffsets(topic, partitions), Kafka.Committed(group, topic, partitions));
    }

    /// <summary>
    /// A rebalance can happen in the middle of a poll, after records of a partition were already taken from the
    /// consumer: those records belong to the ownership that just ended. If the group hands the partition straight
    /// back, the new ownership reads it again from the committed offset, so the stale records must not reach its
    /// substream (they would arrive twice, and out of order).
    /// </summary>
    [Fact]
    public async Task A_partition_handed_back_in_a_rebalance_emits_each_offset_once_and_in_order()
    {
        const int partitions = 8;
        const int total = 240_000;
        var topic = Kafka.NewTopic(partitions);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, partitions, total);

        var substreams = new ConcurrentQueue<(int Partition, ConcurrentQueue<long> Offsets)>();
        long seen = 0;
        var control = KafkaConsumer.CommittablePartitionedSource(ConsumerSettings(group), Subscriptions.Topics(topic))
            .MergePartitions(partitions * 4, (tp, messages) =>
            {
                var offsets = new ConcurrentQueue<long>();
                substreams.Enqueue((tp.Partition.Value, offsets));
                return messages
                    .Throttle(2_000, TimeSpan.FromSeconds(1), 500, ThrottleMode.Shaping)
                    .Select(m =>
                    {
                        offsets.Enqueue(m.Record.Offset.Value);
                        Interlocked.Increment(ref seen);
                        return (ICommittable)m.CommittableOffset;
                    });
            })
            .ToMaterialized(Committer.Sink(CommitterSettings), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(Materializer);

        // Another member joins and leaves twice: each time some partitions of the first member move to it and come
        // back when it leaves, while the first member reads a backlog as fast as it is let.
        for (var round = 0; round < 2; round++)
        {
            var before = Interlocked.Read(ref seen);
            await Eventually.True(() => Interlocked.Read(ref seen) >= before + 5_000, Patience, "the first member consumes");
            await Task.Run(() => JoinAndLeave(group, topic, () => Interlocked.Read(ref seen) >= before + 10_000));
        }
        // Each round hands at least one partition back to the first member: a second substream of it.
        await Eventually.True(() => substreams.Count >= partitions + 2, Patience, () => $"{substreams.Count} substreams");
        await control.DrainAndShutdown().WaitAsync(Patience);

        var broken = substreams
            .Select(s => (s.Partition, Offsets: s.Offsets.ToArray()))
            .Where(s => s.Offsets.Zip(s.Offsets.Skip(1)).Any(pair => pair.Second != pair.First + 1))
            .Select(s => $"partition {s.Partition}: {Describe(s.Offsets)}")
            .ToList();
        Assert.True(broken.Count == 0, "substreams whose offsets are not consecutive:\n" + string.Join("\n", broken));
    }

    /// <summary>A second member of <paramref name="group"/>: joins, takes a share of partitions until <paramref name="enough"/>, leaves.</summary>
    private void JoinAndLeave(string group, string topic, Func<bool> enough)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers, GroupId = group, EnableAutoCommit = false,
            SessionTimeoutMs = 6000, HeartbeatIntervalMs = 500,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky, // as the pipeline's consumers
        }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + Patience;
        while (!(consumer.Assignment.Count > 0 && enough()) && DateTime.UtcNow < deadline) consumer.Consume(TimeSpan.FromMilliseconds(50));
        Assert.True(consumer.Assignment.Count > 0, "the second member got partitions");
        consumer.Close();
    }

    /// <summary>The runs of consecutive offsets, e.g. "0..120, 100..300".</summary>
    private static string Describe(long[] offsets)
    {
        var runs = new List<string>();
        var start = 0;
        for (var i = 1; i <= offsets.Length; i++)
        {
            if (i < offsets.Length && offsets[i] == offsets[i - 1] + 1) continue;
            runs.Add($"{offsets[start]}..{offsets[i - 1]}");
            start = i;
        }
        return string.Join(", ", runs);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
