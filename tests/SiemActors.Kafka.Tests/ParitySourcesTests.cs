using System.Collections.Concurrent;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests;

/// <summary>
/// The sources and flows a user of Akka.Streams.Kafka expects beside the committable ones (docs/kafka.md, "Parity"):
/// the plain partitioned source, the manual-offset partitioned sources, at-most-once, and the offset-context source
/// with the producer's context flow. Elements are taken through the stream TestKit's probes.
/// </summary>
public sealed class ParitySourcesTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    [Fact]
    public Task PlainPartitionedSource_gives_each_partition_its_own_substream_in_offset_order() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(4);
        await Kafka.ProduceAsync(topic, 4, 200);
        var probe = KafkaConsumer.PlainPartitionedSource(ConsumerSettings(EmbeddedKafkaFixture.NewGroup()), Subscriptions.Topics(topic))
            .MergePartitions(4, (tp, records) => records.Select(r => (Partition: tp.Partition.Value, r.Offset.Value, r.Message.Value)))
            .RunWith(this.SinkProbe<(int Partition, long Offset, string Value)>(), Materializer);

        var seen = await probe.Request(200).ExpectNextNAsync(200, Patience).ToListAsync();
        probe.Cancel();

        foreach (var partition in seen.GroupBy(s => s.Partition))
        {
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), partition.Select(s => s.Offset));
            Assert.All(partition, s => Assert.StartsWith($"{s.Partition}:", s.Value));
        }
        Assert.Equal(4, seen.Select(s => s.Partition).Distinct().Count());
    });

    [Fact]
    public Task PlainPartitionedManualOffsetSource_starts_each_partition_where_the_hook_says_and_tells_of_revocations() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(4);
        await Kafka.ProduceAsync(topic, 4, 400);
        var asked = new ConcurrentBag<TopicPartition>();
        var revoked = new ConcurrentBag<TopicPartition>();
        // An external offset store: partitions 0 and 1 were processed up to offset 60; 2 and 3 have nothing stored.
        Task<IReadOnlyDictionary<TopicPartition, long>> OffsetsOf(IReadOnlyList<TopicPartition> partitions)
        {
            foreach (var tp in partitions) asked.Add(tp);
            return Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(
                partitions.Where(tp => tp.Partition.Value < 2).ToDictionary(tp => tp, _ => 60L));
        }

        var (control, probe) = KafkaConsumer.PlainPartitionedManualOffsetSource(ConsumerSettings(EmbeddedKafkaFixture.NewGroup()),
                Subscriptions.Topics(topic), OffsetsOf, partitions => { foreach (var tp in partitions) revoked.Add(tp); })
            .MergePartitions(4, (tp, records) => records.Select(r => (Partition: tp.Partition.Value, r.Offset.Value)))
            .ToMaterialized(this.SinkProbe<(int Partition, long Offset)>(), Keep.Both)
            .Run(Materializer);

        var expected = 2 * 40 + 2 * 100;
        var seen = await probe.Request(expected).ExpectNextNAsync(expected, Patience).ToListAsync();
        await control.Shutdown().WaitAsync(Patience);

        Assert.Equal(4, asked.Distinct().Count());
        foreach (var partition in seen.GroupBy(s => s.Partition))
            Assert.Equal(Enumerable.Range(partition.Key < 2 ? 60 : 0, partition.Key < 2 ? 40 : 100).Select(i => (long)i), partition.Select(s => s.Offset));
        await Eventually.True(() => revoked.Distinct().Count() == 4, Patience, () => $"revoked: {string.Join(", ", revoked)}");
    });

    [Fact]
    public Task CommittablePartitionedManualOffsetSource_commits_to_kafka_from_where_the_hook_started() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(2);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, 2, 200);
        var control = KafkaConsumer.CommittablePartitionedManualOffsetSource(ConsumerSettings(group), Subscriptions.Topics(topic),
                partitions => Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(partitions.ToDictionary(tp => tp, _ => 90L)))
            .MergePartitions(2, (_, messages) => messages.Select(m => (ICommittable)m.CommittableOffset))
            .ToMaterialized(Committer.Sink(CommitterSettings), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(Materializer);

        await Eventually.True(() => Kafka.Committed(group, topic, 2).SequenceEqual([100L, 100L]), Patience,
            () => $"committed {string.Join(",", Kafka.Committed(group, topic, 2))}");
        await control.DrainAndShutdown().WaitAsync(Patience);
    });

    [Fact]
    public Task AtMostOnceSource_commits_each_record_before_emitting_it() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(1);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, 1, 100);
        var probe = KafkaConsumer.AtMostOnceSource(ConsumerSettings(group), Subscriptions.Topics(topic))
            .Select(r => r.Offset.Value)
            .RunWith(this.SinkProbe<long>(), Materializer);

        var taken = await probe.Request(10).ExpectNextNAsync(10, Patience).ToListAsync();
        // What was emitted is committed already: the group's offset is past it, before anything is acknowledged.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), taken);
        Assert.InRange(Kafka.Committed(group, topic, 1)[0], 10, 11);
        probe.Cancel();
    });

    [Fact]
    public Task SourceWithOffsetContext_and_the_producers_FlowWithContext_carry_each_offset_to_its_commit() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(3);
        var output = Kafka.NewTopic(3);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, 3, 300);

        var control = KafkaConsumer.SourceWithOffsetContext(ConsumerSettings(group), Subscriptions.Topics(topic))
            .Select(record => (IEnvelope<string, string, NotUsed>)ProducerMessage.Single(
                new ProducerRecord<string, string>(output, record.Message.Key, record.Message.Value.ToUpperInvariant()), NotUsed.Instance))
            .Via(KafkaProducer.FlowWithContext<string, string, ICommittableOffset>(ProducerSettings))
            .AsSource()
            .ToMaterialized(Committer.SinkWithOffsetContext<IResults<string, string, ICommittableOffset>>(CommitterSettings), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(Materializer);

        // Every offset is committed once its record is in the output topic (the context went through the producer).
        await Eventually.True(() => Kafka.Committed(group, topic, 3).SequenceEqual(Kafka.EndOffsets(topic, 3)), Patience,
            () => $"committed {string.Join(",", Kafka.Committed(group, topic, 3))}");
        await control.DrainAndShutdown().WaitAsync(Patience);
        Assert.Equal(300, Kafka.EndOffsets(output, 3).Sum());
    });
}
