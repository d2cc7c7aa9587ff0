using SiemActors.Kafka.Embedded;
using SiemActors.Kafka.Tests.Support;
using Xunit;

namespace SiemActors.Kafka.Tests;

[Collection(KafkaCollection.Name)]
public sealed class EmbeddedKafkaClusterTests(EmbeddedKafkaFixture kafka)
{
    [Fact]
    public void Reports_one_loopback_address_per_broker()
    {
        var servers = kafka.BootstrapServers.Split(',');
        Assert.Equal(3, servers.Length);
        Assert.All(servers, s => Assert.StartsWith("127.0.0.1:", s));
    }

    [Fact]
    public void Creates_topics_with_the_given_partition_count_and_refuses_a_duplicate()
    {
        var topic = kafka.NewTopic(16);
        Assert.Equal(16, kafka.EndOffsets(topic, 16).Length);
        var duplicate = Assert.Throws<EmbeddedKafkaException>(() => kafka.Cluster.CreateTopic(topic, 16));
        Assert.Contains(topic, duplicate.Message);
    }

    [Fact]
    public void A_second_cluster_starts_beside_the_first_and_disposes_cleanly()
    {
        var other = EmbeddedKafkaCluster.Start(brokerCount: 1);
        Assert.NotEqual(kafka.BootstrapServers, other.BootstrapServers);
        other.Dispose();
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.CreateTopic("x", 1));
    }
}
