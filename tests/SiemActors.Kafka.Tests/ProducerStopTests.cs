using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests;

/// <summary>
/// Stopping a producer delivers what it already holds (close-timeout): records linger in librdkafka for seconds here,
/// so a producer closed without flushing would drop them.
/// </summary>
public sealed class ProducerStopTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    private const int Records = 2_000;

    [Fact]
    public void A_shared_producer_disposed_at_once_delivers_every_record_handed_to_it()
    {
        var topic = Kafka.NewTopic(4);
        var delivered = 0;
        var failed = 0;
        var shared = new SharedProducer<string, string>(ProducerSettings.WithProperty("linger.ms", "3000"));
        for (var i = 0; i < Records; i++)
            shared.Producer.Produce(topic, new Message<string, string> { Key = $"k{i}", Value = $"v{i}" },
                report => Interlocked.Increment(ref report.Error.IsError ? ref failed : ref delivered));
        shared.Dispose();

        Assert.Equal(0, shared.LeftUndelivered);
        Assert.Equal((Records, 0), (Volatile.Read(ref delivered), Volatile.Read(ref failed)));
        Assert.Equal(Records, Kafka.EndOffsets(topic, 4).Sum());
    }

    [Fact]
    public Task A_producer_stage_stopped_by_a_failure_delivers_what_it_held_before_closing() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(4);
        var handedOver = 0;
        var (kill, done) = Source.From(Enumerable.Range(0, Records))
            .Concat(Source.Never<int>())
            .ViaMaterialized(KillSwitches.Single<int>(), Keep.Right)
            .Select(i =>
            {
                Interlocked.Increment(ref handedOver);
                return ProducerMessage.Single(new ProducerRecord<string, string>(topic, $"k{i}", $"v{i}"), i);
            })
            .Via(KafkaProducer.FlexiFlow<string, string, int>(ProducerSettings.WithProperty("linger.ms", "3000")))
            .ToMaterialized(Sink.Ignore<IResults<string, string, int>>(), Keep.Both)
            .Run(Materializer);
        await Eventually.True(() => Volatile.Read(ref handedOver) == Records, Patience, () => $"{handedOver} handed to the producer stage");

        kill.Abort(new InvalidOperationException("stopped by the test"));
        var stopped = await Assert.ThrowsAnyAsync<Exception>(() => done.WaitAsync(Patience));
        Assert.Contains("stopped by the test", stopped.GetBaseException().Message);

        // The stopped stage flushes (off its thread) before it closes the client: every record reaches the broker.
        await Eventually.True(() => Kafka.EndOffsets(topic, 4).Sum() == Records, Patience, () => $"{Kafka.EndOffsets(topic, 4).Sum()} of {Records} delivered");
    });

    [Fact]
    public Task A_graceful_stop_emits_a_result_for_every_record_and_every_result_is_in_the_topic() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(4);
        var (kill, results) = Source.From(Enumerable.Range(0, Records))
            .Concat(Source.Never<int>())
            .ViaMaterialized(KillSwitches.Single<int>(), Keep.Right)
            .Select(i => ProducerMessage.Single(new ProducerRecord<string, string>(topic, $"k{i}", $"v{i}"), i))
            .Via(KafkaProducer.FlexiFlow<string, string, int>(ProducerSettings.WithProperty("linger.ms", "500")))
            .ToMaterialized(Sink.Seq<IResults<string, string, int>>(), Keep.Both)
            .Run(Materializer);
        await Eventually.True(() => Kafka.EndOffsets(topic, 4).Sum() > 0, Patience, "the first records delivered");

        kill.Shutdown(); // completes upstream: the stage waits for what is in flight, then completes
        var acknowledged = await results.WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, Records), acknowledged.Select(r => r.PassThrough));
        Assert.All(acknowledged.SelectMany(r => r.Deliveries), d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.Equal(Records, Kafka.EndOffsets(topic, 4).Sum());
    });
}
