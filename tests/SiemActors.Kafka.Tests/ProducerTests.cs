using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests;

public sealed class ProducerTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    [Fact]
    public Task PlainSink_produces_every_record_and_completes_when_all_are_acknowledged() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(4);
        await Source.From(Enumerable.Range(0, 1_000))
            .Select(i => new ProducerRecord<string, string>(topic, $"k{i}", $"v{i}"))
            .RunWith(KafkaProducer.PlainSink(ProducerSettings), Materializer)
            .WaitAsync(Patience);

        Assert.Equal(1_000, Kafka.EndOffsets(topic, 4).Sum());
    });

    [Fact]
    public Task FlexiFlow_emits_results_in_envelope_order_with_their_pass_through() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(3);
        var results = await Source.From(Enumerable.Range(0, 300))
            .Select(i => i % 10 == 9
                ? ProducerMessage.PassThrough<string, string, int>(i)
                : i % 10 == 8
                    ? ProducerMessage.Multi([new ProducerRecord<string, string>(topic, "a", "x"), new ProducerRecord<string, string>(topic, "b", "y")], i)
                    : ProducerMessage.Single(new ProducerRecord<string, string>(topic, $"k{i}", $"v{i}"), i))
            .Via(KafkaProducer.FlexiFlow<string, string, int>(ProducerSettings))
            .RunWith(Sink.Seq<IResults<string, string, int>>(), Materializer)
            .WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 300), results.Select(r => r.PassThrough));
        Assert.All(results.Where(r => r.PassThrough % 10 == 9), r => Assert.Empty(r.Deliveries));
        Assert.All(results.Where(r => r.PassThrough % 10 == 8), r => Assert.Equal(2, r.Deliveries.Count));
        Assert.All(results.SelectMany(r => r.Deliveries), d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.Equal(240 + 30 * 2, Kafka.EndOffsets(topic, 3).Sum()); // 240 singles, 30 multis of 2, 30 pass-throughs of none
    });

    [Fact]
    public Task A_produce_failure_fails_the_stream_with_the_topic_and_reason() => AllStagesStopped(async () =>
    {
        var settings = ProducerSettings.WithProperty("message.max.bytes", "1000");
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Source.Single(new ProducerRecord<string, string>("t", "k", new string('x', 5_000)))
            .RunWith(KafkaProducer.PlainSink(settings), Materializer)
            .WaitAsync(Patience));
        Assert.Contains("size", failure.Message, StringComparison.OrdinalIgnoreCase);
    });
}
