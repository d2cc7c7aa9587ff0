using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Transforms.Tests;

public sealed class HostEntityTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output: output)
{
    private static readonly Akka.Configuration.Config Config = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.roles = [transform]
        akka.actor.serialize-messages = on
        """).WithFallback(ConfigurationFactory.FromResource("SiemActors.Transforms.reference.conf", typeof(HostEntity).Assembly))
        .WithFallback(ClusterSharding.DefaultConfig());

    [Fact]
    public void The_wire_format_round_trips_both_messages()
    {
        var serializer = Sys.Serialization.FindSerializerForType(typeof(EnrichHost));
        Assert.IsType<TransformSerializer>(serializer);
        var facts = new EnrichHost("web-01", 7, [1, 2, long.MaxValue], [3, -4, 5]);
        var reply = new HostEnriched("web-01", 42, [0, 9], [1, 60]);

        var facts2 = (EnrichHost)Sys.Serialization.Deserialize(serializer.ToBinary(facts), serializer.Identifier, "EH");
        var reply2 = (HostEnriched)Sys.Serialization.Deserialize(serializer.ToBinary(reply), serializer.Identifier, "HE");

        Assert.Equal((facts.Host, facts.Partition), (facts2.Host, facts2.Partition));
        Assert.Equal(facts.Offsets, facts2.Offsets);
        Assert.Equal(facts.Timestamps, facts2.Timestamps);
        Assert.Equal((reply.Host, reply.FirstSeen), (reply2.Host, reply2.FirstSeen));
        Assert.Equal(reply.Sequences, reply2.Sequences);
        Assert.Equal(reply.EventsLastMinute, reply2.EventsLastMinute);
    }

    [Fact]
    public async Task Entities_in_a_shard_region_keep_state_per_host_across_batches()
    {
        var region = await StartRegionAsync();

        var a1 = await region.Ask<HostEnriched>(new EnrichHost("a", 0, [0, 1], [1, 2]), TimeSpan.FromSeconds(10));
        var b1 = await region.Ask<HostEnriched>(new EnrichHost("b", 0, [2], [3]), TimeSpan.FromSeconds(10));
        var a2 = await region.Ask<HostEnriched>(new EnrichHost("a", 1, [0], [4]), TimeSpan.FromSeconds(10));

        Assert.Equal([1L, 2], a1.Sequences);
        Assert.Equal([1L], b1.Sequences);
        Assert.Equal([3L], a2.Sequences);
        Assert.Equal(1, a2.FirstSeen);
    }

    [Fact]
    public async Task Several_partitions_batches_in_one_message_are_applied_in_order_and_replays_not_counted_again()
    {
        var region = await StartRegionAsync();

        var first = await region.Ask<HostBatchesEnriched>(new EnrichHostBatches("a",
            [new EnrichHost("a", 0, [0, 1], [10, 11]), new EnrichHost("a", 3, [5], [12])]), TimeSpan.FromSeconds(10));
        // Partition 0 again from offset 1 (a replay after a rebalance) beside new events of partition 3.
        var second = await region.Ask<HostBatchesEnriched>(new EnrichHostBatches("a",
            [new EnrichHost("a", 0, [1, 2], [11, 13]), new EnrichHost("a", 3, [6], [14])]), TimeSpan.FromSeconds(10));

        Assert.Equal("a", first.Host);
        Assert.Equal([[1L, 2], [3L]], first.Parts.Select(p => p.Sequences));
        Assert.Equal([[0L, 4], [5L]], second.Parts.Select(p => p.Sequences));
        Assert.All(first.Parts.Concat(second.Parts), p => Assert.Equal(10, p.FirstSeen));
    }

    [Fact]
    public void The_wire_format_round_trips_the_batched_messages()
    {
        var serializer = Sys.Serialization.FindSerializerForType(typeof(EnrichHostBatches));
        Assert.IsType<TransformSerializer>(serializer);
        var facts = new EnrichHostBatches("web-01", [new EnrichHost("web-01", 7, [1, 2], [3, 4]), new EnrichHost("web-01", 9, [], [])]);
        var reply = new HostBatchesEnriched("web-01", [new HostEnriched("web-01", 42, [0, 9], [1, 60]), new HostEnriched("web-01", 42, [10], [61])]);

        var facts2 = (EnrichHostBatches)Sys.Serialization.Deserialize(serializer.ToBinary(facts), serializer.Identifier, "EHB");
        var reply2 = (HostBatchesEnriched)Sys.Serialization.Deserialize(serializer.ToBinary(reply), serializer.Identifier, "HEB");

        Assert.Equal(facts.Host, facts2.Host);
        Assert.Equal(facts.Parts.Select(p => (p.Host, p.Partition)), facts2.Parts.Select(p => (p.Host, p.Partition)));
        Assert.Equal(facts.Parts.Select(p => p.Offsets), facts2.Parts.Select(p => p.Offsets));
        Assert.Equal(facts.Parts.Select(p => p.Timestamps), facts2.Parts.Select(p => p.Timestamps));
        Assert.Equal(reply.Host, reply2.Host);
        Assert.Equal(reply.Parts.Select(p => (p.FirstSeen, p.Sequences.Length)), reply2.Parts.Select(p => (p.FirstSeen, p.Sequences.Length)));
        Assert.Equal(reply.Parts.SelectMany(p => p.Sequences), reply2.Parts.SelectMany(p => p.Sequences));
        Assert.Equal(reply.Parts.SelectMany(p => p.EventsLastMinute), reply2.Parts.SelectMany(p => p.EventsLastMinute));
    }

    /// <summary>A one-node cluster with the hosts shard region on it.</summary>
    private async Task<IActorRef> StartRegionAsync()
    {
        var cluster = Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        return await ClusterSharding.Get(Sys).StartAsync(HostEntity.TypeName, _ => Props.Create(() => new HostEntity()),
            ClusterShardingSettings.Create(Sys).WithRole(HostEntity.Role), new HostMessageExtractor(10));
    }
}
