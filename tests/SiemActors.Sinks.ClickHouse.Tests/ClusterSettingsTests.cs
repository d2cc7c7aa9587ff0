using Akka.Configuration;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

/// <summary>The cluster settings, the partition → shard mapping and the tables a cluster gets. Pure.</summary>
public sealed class ClusterSettingsTests
{
    private static ClickHouseSinkSettings Settings(string hocon) => ClickHouseSinkSettings.Create(ConfigurationFactory.ParseString(hocon));

    private static readonly ClickHouseSinkSettings Cluster = Settings("""
        siem.sinks.clickhouse {
          url = "http://r1:8123", database = siem
          cluster { name = siem, shards = ["http://r1:8123, http://r2:8123", "http://r3:8123,http://r4:8123", "http://r5:8123"] }
        }
        """);

    [Fact]
    public void Each_partition_has_one_shard_partition_mod_shards_and_each_alert_id_one_shard()
    {
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Enumerable.Range(0, 7).Select(p => Cluster.ShardOf(p)));
        Assert.Equal(Cluster.ShardOf("alert-1"), Cluster.ShardOf("alert-1"));
        Assert.Equal(3, Enumerable.Range(0, 300).Select(i => Cluster.ShardOf($"alert-{i}")).Distinct().Count());
        Assert.Equal([new Uri("http://r1:8123"), new Uri("http://r2:8123")], Cluster.Shards[0]);
        var single = Settings("siem.sinks.clickhouse.url = \"http://x:8123\"");
        Assert.False(single.IsCluster);
        Assert.Equal(0, single.ShardOf(5));
        Assert.Equal("siem.siem_events", single.Local(single.EventsTable));
        Assert.Equal("siem.siem_events_local", Cluster.Local(Cluster.EventsTable));
    }

    [Fact]
    public void A_cluster_gets_replicated_local_tables_and_distributed_ones_of_the_plain_names()
    {
        var statements = EventsSchema.Statements(Cluster);
        Assert.Contains(statements, s => s.StartsWith("CREATE TABLE IF NOT EXISTS siem.siem_events_local", StringComparison.Ordinal)
                                         && s.Contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/siem/siem_events', '{replica}')", StringComparison.Ordinal));
        Assert.Contains("CREATE TABLE IF NOT EXISTS siem.siem_events AS siem.siem_events_local ENGINE = Distributed(siem, siem, siem_events_local)", statements);
        Assert.Contains(statements, s => s.Contains("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/siem/siem_events_ledger', '{replica}', state)", StringComparison.Ordinal));
        Assert.Contains(AlertsSchema.Statements(Cluster), s => s.Contains("Distributed(siem, siem, alerts_local)", StringComparison.Ordinal));
        Assert.DoesNotContain(EventsSchema.Statements(Settings("siem.sinks.clickhouse.url = \"http://x:8123\"")), s => s.Contains("Replicated", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cluster { name = siem }", "must list every shard")]
    [InlineData("cluster { shards = [\"http://a:8123\"] }", "cluster.name is empty")]
    [InlineData("cluster { name = siem, shards = [\"not a url\"] }", "is not a URL")]
    [InlineData("cluster { name = \"x; DROP\", shards = [\"http://a:8123\"] }", "not a plain identifier")]
    [InlineData("insert-quorum = -1", "insert-quorum")]
    public void Bad_cluster_settings_are_refused_with_what_is_wrong(string hocon, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Settings("siem.sinks.clickhouse { " + hocon + " }"));
        Assert.Contains(expected, error.Message);
    }
}
