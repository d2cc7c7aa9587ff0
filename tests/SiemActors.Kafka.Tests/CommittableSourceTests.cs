using System.Collections.Concurrent;
using Akka;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using SiemActors.Testing;

namespace SiemActors.Kafka.Tests;

public sealed class CommittableSourceTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    [Fact]
    public async Task CommittableSource_should_resume_from_committed_offset_after_restart()
    {
        const int partitions = 4;
        var topic = Kafka.NewTopic(partitions);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, partitions, 200);

        var first = new ConcurrentBag<string>();
        var run1 = RunCommitting(group, topic, m => first.Add(m.Record.Message.Value));
        await Eventually.True(() => Kafka.Committed(group, topic, partitions).Sum() == 200, Patience,
            () => $"committed {string.Join(",", Kafka.Committed(group, topic, partitions))} after {first.Count} consumed");
        await run1.DrainAndShutdown();

        await Kafka.ProduceAsync(topic, partitions, 100, firstSeq: 200);
        var second = new ConcurrentBag<string>();
        var run2 = RunCommitting(group, topic, m => second.Add(m.Record.Message.Value));
        await Eventually.True(() => Kafka.Committed(group, topic, partitions).Sum() == 300, Patience, "second run commits to the end");
        await run2.DrainAndShutdown();

        Assert.Equal(200, first.Count);
        Assert.Equal(100, second.Count);
        Assert.All(second, v => Assert.True(Seq(v) >= 200, $"{v} was read again after its offset was committed"));
    }

    [Fact]
    public async Task Downstream_failure_leaves_the_offset_uncommitted_and_the_message_is_delivered_again()
    {
        var topic = Kafka.NewTopic(1);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, 1, 10);

        var (control, done) = KafkaConsumer.CommittableSource(ConsumerSettings(group), Subscriptions.Topics(topic))
            .Select(m => Seq(m.Record.Message.Value) == 5
                ? throw new InvalidOperationException("processing failed at 5")
                : (ICommittable)m.CommittableOffset)
            .ToMaterialized(Committer.Sink(CommitterSettings), Keep.Both)
            .Run(Materializer);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => done);
        Assert.Equal("processing failed at 5", failure.Message);
        await control.IsShutdown.WaitAsync(Patience);

        var committed = Kafka.Committed(group, topic, 1)[0];
        Assert.True(committed <= 5, $"offset {committed} was committed although the message at 5 failed");

        var again = await KafkaConsumer.CommittableSource(ConsumerSettings(group), Subscriptions.Topics(topic))
            .Select(m => m.Record.Offset.Value)
            .Take(10 - Math.Max(committed, 0))
            .RunWith(Sink.Seq<long>(), Materializer)
            .WaitAsync(Patience);
        Assert.Contains(5L, again);
        Assert.Equal(Math.Max(committed, 0), again[0]);
    }

    private static int Seq(string value) => int.Parse(value[(value.IndexOf(':') + 1)..]);
}
