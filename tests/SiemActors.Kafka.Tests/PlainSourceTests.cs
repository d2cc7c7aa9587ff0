using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Supervision;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests;

/// <summary>The plain source's subscriptions, its handling of records it cannot deserialize, and the committer flow (TestKit probes).</summary>
public sealed class PlainSourceTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    [Fact]
    public Task PlainSource_reads_assigned_partitions_from_their_start_or_from_given_offsets_without_rebalancing() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(2);
        await Kafka.ProduceAsync(topic, 2, 100);
        var settings = Settings.ConsumerSettings<string, string>.Create(Sys, Deserializers.Utf8, Deserializers.Utf8)
            .WithBootstrapServers(Kafka.BootstrapServers).WithGroupId(EmbeddedKafkaFixture.NewGroup()).WithProperty("auto.offset.reset", "earliest");

        var whole = KafkaConsumer.PlainSource(settings, Subscriptions.Assignment(new TopicPartition(topic, 1)))
            .Select(r => (r.Partition.Value, r.Offset.Value))
            .RunWith(this.SinkProbe<(int, long)>(), Materializer);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (1, (long)i)), await whole.Request(50).ExpectNextNAsync(50, Patience).ToListAsync());
        whole.Cancel();

        var fromOffset = KafkaConsumer.PlainSource(settings, Subscriptions.AssignmentWithOffset(new TopicPartitionOffset(topic, 0, 45)))
            .Select(r => (r.Partition.Value, r.Offset.Value))
            .RunWith(this.SinkProbe<(int, long)>(), Materializer);
        Assert.Equal(Enumerable.Range(45, 5).Select(i => (0, (long)i)), await fromOffset.Request(5).ExpectNextNAsync(5, Patience).ToListAsync());
        await fromOffset.Request(1).ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // nothing past the end
        fromOffset.Cancel();
    });

    [Fact]
    public Task A_record_that_cannot_be_deserialized_stops_the_source_unless_the_decider_skips_it() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(1);
        await Kafka.ProduceAsync(topic, 1, 10); // values "0:0" … "0:9"; "0:4" does not deserialize below
        var settings = Settings.ConsumerSettings<string, string>.Create(Sys, Deserializers.Utf8, new Refusing("0:4"))
            .WithBootstrapServers(Kafka.BootstrapServers).WithGroupId(EmbeddedKafkaFixture.NewGroup()).WithProperty("auto.offset.reset", "earliest");

        var stopping = KafkaConsumer.PlainSource(settings, Subscriptions.Topics(topic)).Select(r => r.Offset.Value)
            .RunWith(this.SinkProbe<long>(), Materializer);
        stopping.Request(10);
        // The source emits the records before the bad one, then fails. A failure overtakes elements still in flight
        // downstream (Akka Streams signals errors past buffers), so the probe sees a prefix of them, never a record after.
        var before = new List<long>();
        Exception? failure = null;
        while (failure is null)
        {
            switch (await stopping.ExpectEventAsync(Patience))
            {
                case TestSubscriber.OnNext<long> next: before.Add(next.Element); break;
                case TestSubscriber.OnError error: failure = error.Cause; break;
                case var other: Assert.Fail($"unexpected {other}"); break;
            }
        }
        Assert.Equal(new long[] { 0, 1, 2, 3 }.Take(before.Count), before);
        Assert.Contains("@4", failure.Message); // where: topic[partition]@offset

        var skipping = KafkaConsumer.PlainSource(settings.WithGroupId(EmbeddedKafkaFixture.NewGroup()), Subscriptions.Topics(topic))
            .Select(r => r.Offset.Value)
            .WithAttributes(ActorAttributes.CreateSupervisionStrategy(KafkaConsumerDecider.SkipUndeserializable.Decide))
            .RunWith(this.SinkProbe<long>(), Materializer);
        Assert.Equal([0L, 1, 2, 3, 5, 6, 7, 8, 9], await skipping.Request(10).ExpectNextNAsync(9, Patience).ToListAsync());
        skipping.Cancel();
    });

    [Fact]
    public Task Committer_Flow_emits_Done_per_committed_batch_and_the_group_resumes_after_it() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(2);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, 2, 100);
        var probe = KafkaConsumer.CommittableSource(ConsumerSettings(group), Subscriptions.Topics(topic))
            .Take(100)
            .Select(m => (ICommittable)m.CommittableOffset)
            .Via(Committer.Flow(CommitterSettings.WithMaxBatch(25)))
            .RunWith(this.SinkProbe<Done>(), Materializer);

        await probe.Request(10).ExpectNextNAsync(4, Patience).ToListAsync(); // 100 offsets in batches of 25
        await probe.ExpectCompleteAsync();
        Assert.Equal([50L, 50L], Kafka.Committed(group, topic, 2));
    });

    /// <summary>A value deserializer that refuses one value, as a schema mismatch would.</summary>
    private sealed class Refusing(string refused) : IDeserializer<string>
    {
        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            var text = System.Text.Encoding.UTF8.GetString(data);
            return text == refused ? throw new FormatException($"cannot read '{text}'") : text;
        }
    }
}
