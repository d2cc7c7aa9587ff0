using System.Collections.Concurrent;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using SiemActors.Testing;

namespace SiemActors.Kafka.Tests;

/// <summary>
/// A committed offset the broker no longer has (retention deleted the records unread): the source goes on where
/// <c>offset-out-of-range</c> says and reports exactly what it skipped, instead of librdkafka resetting in silence.
/// </summary>
public sealed class OffsetOutOfRangeTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    /// <summary>100 records in one partition, the group committed at 10, the records before 50 deleted.</summary>
    private async Task<(string Topic, string Group)> BehindRetention()
    {
        var topic = Kafka.NewTopic(1);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, 1, 100);
        Kafka.Commit(group, topic, 1, 10);
        Kafka.Cluster.DeleteRecords(topic, 0, 50);
        return (topic, group);
    }

    [Fact]
    public async Task With_earliest_the_records_deleted_unread_are_skipped_reported_and_the_rest_read()
    {
        var (topic, group) = await BehindRetention();
        var resets = new ConcurrentQueue<OffsetReset>();
        var settings = ConsumerSettings(group).WithOffsetResetListener(resets.Enqueue); // reference.conf: earliest

        var offsets = await KafkaConsumer.PlainSource(settings, Subscriptions.Topics(topic))
            .Select(r => r.Offset.Value)
            .Take(50)
            .RunWith(Sink.Seq<long>(), Materializer)
            .WaitAsync(Patience);

        var reset = Assert.Single(resets);
        Assert.Equal((10L, 50L, 40L, 50L, 100L, OffsetResetCause.BelowLogStart), (reset.From, reset.To, reset.Skipped, reset.LogStart, reset.LogEnd, reset.Cause));
        Assert.Equal(Enumerable.Range(50, 50).Select(i => (long)i), offsets);
    }

    [Fact]
    public async Task With_latest_everything_not_read_is_skipped_reported_and_new_records_read()
    {
        var (topic, group) = await BehindRetention();
        var resets = new ConcurrentQueue<OffsetReset>();
        var settings = ConsumerSettings(group).WithOffsetOutOfRange(OffsetOutOfRange.Latest).WithOffsetResetListener(resets.Enqueue);

        var run = KafkaConsumer.PlainSource(settings, Subscriptions.Topics(topic))
            .Select(r => r.Offset.Value)
            .Take(5)
            .RunWith(Sink.Seq<long>(), Materializer);
        await Eventually.True(() => !resets.IsEmpty, Patience, "the reset is reported");
        await Kafka.ProduceAsync(topic, 1, 5, firstSeq: 100);
        var offsets = await run.WaitAsync(Patience);

        var reset = Assert.Single(resets);
        Assert.Equal((10L, 100L, 90L), (reset.From, reset.To, reset.Skipped));
        Assert.Equal([100L, 101L, 102L, 103L, 104L], offsets);
    }

    [Fact]
    public async Task With_fail_the_source_fails_and_reads_nothing_past_the_gap()
    {
        var (topic, group) = await BehindRetention();
        var settings = ConsumerSettings(group).WithOffsetOutOfRange(OffsetOutOfRange.Fail);

        var run = KafkaConsumer.PlainSource(settings, Subscriptions.Topics(topic)).RunWith(Sink.Seq<Confluent.Kafka.ConsumeResult<string, string>>(), Materializer);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => run.WaitAsync(Patience));
        Assert.Contains("@10", failure.Message);
    }

    [Fact]
    public async Task A_group_without_a_committed_offset_starts_where_auto_offset_reset_says_and_reports_nothing()
    {
        var topic = Kafka.NewTopic(2);
        await Kafka.ProduceAsync(topic, 2, 20);
        var resets = new ConcurrentQueue<OffsetReset>();

        var offsets = await KafkaConsumer.PlainSource(ConsumerSettings(EmbeddedKafkaFixture.NewGroup()).WithOffsetResetListener(resets.Enqueue),
                Subscriptions.Topics(topic))
            .Select(r => r.Offset.Value)
            .Take(20)
            .RunWith(Sink.Seq<long>(), Materializer)
            .WaitAsync(Patience);

        Assert.Equal(20, offsets.Count);
        Assert.Equal(2, offsets.Count(o => o == 0)); // both partitions from their start (reference.conf: earliest)
        Assert.Empty(resets);
    }
}
