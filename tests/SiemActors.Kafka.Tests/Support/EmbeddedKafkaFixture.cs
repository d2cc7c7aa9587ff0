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

    /// <summary>Produces <paramref name="count"/> messages round-robin over the partitions; value "partition:seq".</summary>
    public async Task ProduceAsync(string topic, int partitions, int count, int firstSeq = 0)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            LingerMs = 2,
        }).Build();
        var pending = new List<Task>(count);
        for (var i = firstSeq; i < firstSeq + count; i++)
        {
            var partition = i % partitions;
            pending.Add(producer.ProduceAsync(new TopicPartition(topic, partition),
                new Message<string, string> { Key = $"k{i}", Value = $"{partition}:{i}" }));
        }
        await Task.WhenAll(pending);
    }

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
