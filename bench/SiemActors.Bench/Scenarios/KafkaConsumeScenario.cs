using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using SiemActors.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Embedded;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Settings;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// Consume throughput of <c>CommittableSource → Committer.Sink</c> against a plain Confluent.Kafka loop that commits
/// every 5,000 messages, on the same topic of the same in-process broker, alternating runs.
/// Each run: a fresh group, timed from its first message to its consumer closed after the final commit.
/// </summary>
internal sealed class KafkaConsumeScenario(int messages, int partitions, int rounds)
{
    public async Task<IReadOnlyList<RunResult>> RunAsync()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 1, initialRebalanceDelay: TimeSpan.Zero);
        const string topic = "bench-events";
        cluster.CreateTopic(topic, partitions);
        Console.WriteLine($"producing {messages:N0} messages of 312 bytes into {partitions} partitions ...");
        Produce(cluster.BootstrapServers, topic);

        using var system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var materializer = system.Materializer();
        var results = new List<RunResult>();
        for (var round = 1; round <= rounds; round++)
        {
            results.Add(PlainLoop(cluster.BootstrapServers, topic, $"plain-{round}"));
            results.Add(await Stages(system, materializer, cluster.BootstrapServers, topic, $"stages-{round}"));
            foreach (var r in results.TakeLast(2))
                Console.WriteLine($"  round {round} {r.Name,-14} {r.PerSecond,12:N0} msg/s  {r.CpuMicrosPerMessage,6:N2} µs CPU/msg");
        }
        await system.Terminate();
        return results;
    }

    private void Produce(string bootstrap, string topic)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            EnableIdempotence = true,
            BatchSize = 1_000_000,
        }).Build();
        for (var i = 0; i < messages; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, i % partitions), new Message<byte[], byte[]> { Value = SampleEvents.Json(i) });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        producer.Flush(TimeSpan.FromMinutes(2));
    }

    private RunResult PlainLoop(string bootstrap, string topic, string name)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = name,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        }).Build();
        consumer.Subscribe(topic);
        var next = new Dictionary<TopicPartition, long>();
        long count = 0;
        var clock = new Stopwatch();
        var cpu = TimeSpan.Zero;
        while (count < messages)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (count == 0)
            {
                clock.Start();
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
            }
            next[r.TopicPartition] = r.Offset.Value + 1;
            if (++count % 5_000 == 0) consumer.Commit(next.Select(kv => new TopicPartitionOffset(kv.Key, kv.Value)));
        }
        consumer.Commit(next.Select(kv => new TopicPartitionOffset(kv.Key, kv.Value)));
        consumer.Close();
        return new RunResult(name, count, clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private async Task<RunResult> Stages(ActorSystem system, IMaterializer materializer, string bootstrap, string topic, string name)
    {
        var settings = ConsumerSettings<Ignore, byte[]>.Create(system, null, null)
            .WithBootstrapServers(bootstrap)
            .WithGroupId(name);
        long count = 0;
        var clock = new Stopwatch();
        var cpu = TimeSpan.Zero;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var control = KafkaConsumer.CommittableSource(settings, Subscriptions.Topics(topic))
            .Select(m =>
            {
                if (count == 0)
                {
                    clock.Start();
                    cpu = Process.GetCurrentProcess().TotalProcessorTime;
                }
                if (++count == messages) all.TrySetResult();
                return (ICommittable)m.CommittableOffset;
            })
            .ToMaterialized(Committer.Sink(CommitterSettings.Create(system)), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(materializer);
        await all.Task;
        await control.DrainAndShutdown();
        return new RunResult(name, count, clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }
}
