using Confluent.Kafka;
using SiemActors.Kafka.Embedded;
using Xunit;

namespace SiemActors.Kafka.Tests.Support;

/// <summary>One in-process mock cluster for the whole collection; every test makes its own topic and group.</summary>
public sealed class EmbeddedKafkaFixture : IDisposable
{
    public EmbeddedKafkaFixture()
    {
        Cluster = EmbeddedKafkaCluster.Start(brokerCount: 3, initialRebalanceDelay: TimeSpan.Zero);
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public string NewTopic(int partitions)
    {
        var name = "test-" + Guid.NewGuid().ToString("N")[..12];
        Cluster.CreateTopic(name, partitions);
        return name;
    }

    public static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Produces <paramref name="count"/> messages round-robin over the partitions; value "partition:seq". Waits while
    /// the producer's local queue is full (a loaded machine drains it slower than the loop fills it) and fails if
    /// any message was not delivered.
    /// </summary>
    public Task ProduceAsync(string topic, int partitions, int count, int firstSeq = 0) => Task.Run(() =>
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            LingerMs = 2,
        }).Build();
        Error? failure = null;
        for (var i = firstSeq; i < firstSeq + count; i++)
        {
            var partition = i % partitions;
            var message = new Message<string, string> { Key = $"k{i}", Value = $"{partition}:{i}" };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, partition), message, report => { if (report.Error.IsError) Interlocked.CompareExchange(ref failure, report.Error, null); });
                    break;
                }
                catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        var left = producer.Flush(TimeSpan.FromMinutes(1));
        if (left > 0) throw new TimeoutException($"{left} of {count} messages to {topic} still queued after a minute");
        if (failure is not null) throw new InvalidOperationException($"producing to {topic} failed: {failure.Reason} ({failure.Code})");
    });

    /// <summary>The group's committed offset per partition (-1 where nothing is committed).</summary>
    public long[] Committed(string group, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        var tps = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        return consumer.Committed(tps, TimeSpan.FromSeconds(10))
            .OrderBy(t => t.Partition.Value)
            .Select(t => t.Offset.Value < 0 ? -1 : t.Offset.Value)
            .ToArray();
    }

    /// <summary>Commits <paramref name="offset"/> for every partition, as a consumer of the group that stopped there would have.</summary>
    public void Commit(string group, string topic, int partitions, long offset)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = group }).Build();
        consumer.Commit(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, offset)));
    }

    public long[] EndOffsets(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "watermarks",
        }).Build();
        return Enumerable.Range(0, partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value)
            .ToArray();
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<EmbeddedKafkaFixture>
{
    public const string Name = "embedded kafka";
}
