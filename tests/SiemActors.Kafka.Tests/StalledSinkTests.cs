using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Stages;
using SiemActors.Kafka.Tests.Support;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests;

/// <summary>
/// Demand, not push: with a sink that stops taking anything and a backlog many times the bounds in the broker, the
/// source holds at most its bounds (records and bytes, per partition) however long the consumer keeps polling, and the
/// process's managed memory grows by far less than the backlog.
/// </summary>
public sealed class StalledSinkTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    private const int Partitions = 4;
    private const int PerPartition = 1_000;
    private const int ValueBytes = 4_000; // 4 MB a partition: under the embedded broker's retention
    private const long BoundBytes = 128 * 1024;
    private const int BoundRecords = 500; // the bytes bound binds first: about 30 records of 4 KB

    [Fact]
    public Task A_stalled_sink_keeps_what_the_source_holds_within_its_bounds_while_the_broker_holds_a_large_backlog() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(Partitions);
        ProduceBacklog(topic);
        var backlogBytes = (long)Partitions * PerPartition * ValueBytes;
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        var stalled = new TaskCompletionSource<ICommittable>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = Settings(EmbeddedKafkaFixture.NewGroup());
        var control = KafkaConsumer.CommittablePartitionedSource(settings, Subscriptions.Topics(topic))
            .MergePartitions(Partitions, (_, messages) => messages.SelectAsync(1, _ => stalled.Task))
            .ToMaterialized(Sink.Ignore<ICommittable>(), Keep.Left)
            .Run(Materializer);
        var logic = (ConsumerStageLogic<string, byte[]>)control;

        // Every partition reached its bound and is paused; the loop then polls on (keeping the group membership) for
        // a hundred more polls without taking anything more.
        await Eventually.True(() => logic.Budget.Records >= Partitions * 25, Patience, () => $"{logic.Budget.Records} records held");
        var polls = logic.LoopPolls;
        var held = logic.Budget.Records;
        await Eventually.True(() => logic.LoopPolls >= polls + 100, Patience, () => $"{logic.LoopPolls - polls} polls");

        var (highRecords, highBytes) = logic.Budget.HighWater;
        var memoryGrowth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        Output!.WriteLine($"held {logic.Budget.Records} records / {logic.Budget.Bytes} bytes; highest per partition {highRecords} records / " +
            $"{highBytes} bytes (bounds {BoundRecords} / {BoundBytes}); backlog {backlogBytes} bytes; managed memory grew {memoryGrowth} bytes");
        Assert.InRange(highBytes, 1, BoundBytes);
        Assert.InRange(highRecords, 1, BoundRecords);
        Assert.Equal(held, logic.Budget.Records); // nothing more taken while stalled
        Assert.True(memoryGrowth < backlogBytes / 4, $"managed memory grew {memoryGrowth} bytes with a backlog of {backlogBytes}");

        // Unstalled, everything flows: the bound paused, it did not lose.
        stalled.SetResult(new NoOffset());
        await control.Shutdown().WaitAsync(Patience);
    });

    [Fact]
    public Task A_slow_sink_gets_every_record_once_and_in_order_through_the_bounds() => AllStagesStopped(async () =>
    {
        var topic = Kafka.NewTopic(Partitions);
        ProduceBacklog(topic);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, List<long>>();
        var control = KafkaConsumer.CommittablePartitionedSource(Settings(EmbeddedKafkaFixture.NewGroup()), Subscriptions.Topics(topic))
            .MergePartitions(Partitions, (tp, messages) => messages.SelectAsync(1, async m =>
            {
                if (m.Record.Offset.Value % 50 == 0) await Task.Delay(5); // slower than the broker: the bounds pause and resume often
                var list = seen.GetOrAdd(tp.Partition.Value, _ => []);
                lock (list) list.Add(m.Record.Offset.Value);
                return m;
            }))
            .ToMaterialized(Sink.Ignore<CommittableMessage<string, byte[]>>(), Keep.Left)
            .Run(Materializer);
        var logic = (ConsumerStageLogic<string, byte[]>)control;

        await Eventually.True(() => seen.Values.Sum(l => l.Count) >= Partitions * PerPartition, Patience, () => $"{seen.Values.Sum(l => l.Count)} seen");
        await control.Shutdown().WaitAsync(Patience);

        foreach (var (_, offsets) in seen) Assert.Equal(Enumerable.Range(0, PerPartition).Select(i => (long)i), offsets);
        Assert.InRange(logic.Budget.HighWater.Bytes, 1, BoundBytes);
    });

    private ConsumerSettings<string, byte[]> Settings(string group) =>
        ConsumerSettings<string, byte[]>.Create(Sys, Deserializers.Utf8, Deserializers.ByteArray)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithGroupId(group)
            .WithPartitionBufferSize(BoundRecords)
            .WithPartitionBufferBytes(BoundBytes);

    private void ProduceBacklog(string topic)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, LingerMs = 5 }).Build();
        var value = new byte[ValueBytes];
        for (var i = 0; i < Partitions * PerPartition; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, i % Partitions), new Message<string, byte[]> { Key = $"k{i}", Value = value });
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
        Assert.Equal(Partitions * PerPartition, Kafka.EndOffsets(topic, Partitions).Sum());
    }

    /// <summary>A committable of nothing: the stalled stage's eventual answer.</summary>
    private sealed class NoOffset : ICommittable
    {
        public Task Commit() => Task.CompletedTask;

        public long BatchSize => 0;
    }
}
