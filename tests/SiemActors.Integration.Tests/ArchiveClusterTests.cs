using Akka.Configuration;
using Akka.Event;
using SiemActors.Archive;
using SiemActors.Integration.Tests.Support;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Testing;
using Xunit;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The archive on a ClickHouse cluster of 2 shards x 2 replicas: a day whose rows lie on both shards is exported through
/// the Distributed table and FINAL, dropped from every replica of every shard (<c>DROP PARTITION … ON CLUSTER</c>), and a
/// late event on one shard afterwards becomes the day's next part.
/// </summary>
public sealed class ArchiveClusterTests(ClickHouseClusterFixture cluster) : IClassFixture<ClickHouseClusterFixture>
{
    [Fact]
    public async Task A_day_on_both_shards_is_archived_whole_and_dropped_from_every_replica()
    {
        var database = "archive_" + Guid.NewGuid().ToString("N")[..8];
        var store = ClickHouseSinkSettings.Create(ConfigurationFactory.ParseString(cluster.SinkConfig()).WithFallback(ConfigurationFactory.ParseString(
            $"siem.sinks.clickhouse {{ url = \"{cluster.Replica(1)}\", database = {database}, request-timeout = 60s }}")));
        using var client = new ClickHouseHttpClient(store, NoLogger.Instance);
        foreach (var server in client.EveryServer())
            using (server)
                foreach (var statement in EventsSchema.Statements(store)) await server.QueryAsync(statement);
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40);
        // Each shard's first replica takes its own rows (as the sink writes a partition's batches to its shard).
        await client.ForShard(0).QueryAsync(GeneratedEvents.InsertSql(store.Local(store.EventsTable), day, 1_000, "s1", 1_700_000_000_000));
        await client.ForShard(1).QueryAsync(GeneratedEvents.InsertSql(store.Local(store.EventsTable), day, 500, "s2", 1_700_000_000_000));
        var directory = Path.Combine(Path.GetTempPath(), "siem-archive-cluster-" + database);
        var settings = ArchiveSettings.Create(ConfigurationFactory.ParseString($$"""siem.archive { enabled = true, target = "file://{{directory}}" }"""));
        using var archive = ArchiveStores.Open(settings);
        var objects = new ArchiveObjects(archive, settings.SpillDir);
        var days = new ClickHouseDays(client, store);
        var pass = new ArchivePass(days, objects, new DayArchiver(days, objects, settings, NoLogger.Instance), settings, NoLogger.Instance);
        try
        {
            var first = await pass.RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

            Assert.Empty(first.Failures);
            Assert.Equal(1_500, Assert.Single(first.Archived).RowsWritten);
            Assert.True(Assert.Single(first.Drops).Dropped);
            await Eventually.True(async () => (await Task.WhenAll(Enumerable.Range(1, 4).Select(r => LocalRows(r, database)))).All(n => n == 0),
                TimeSpan.FromSeconds(60), "the day gone from all four replicas");

            await client.ForShard(1).QueryAsync(GeneratedEvents.InsertSql(store.Local(store.EventsTable), day, 2, "late", 1_800_000_000_000));
            var second = await pass.RunOnceAsync(DateTimeOffset.UtcNow, CancellationToken.None);

            Assert.Empty(second.Failures);
            Assert.Equal(2, Assert.Single(second.Archived).RowsWritten);
            var manifest = await objects.ManifestAsync(day, CancellationToken.None);
            Assert.Equal(1_502, manifest!.Rows);
            Assert.Equal(2, manifest.Parts.Count);
            Assert.True((await new ArchiveVerifier(objects).VerifyAsync(day, CancellationToken.None)).Ok);
        }
        finally
        {
            foreach (var server in client.EveryServer())
                using (server)
                    await server.QueryAsync($"DROP DATABASE IF EXISTS {database}");
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<long> LocalRows(int replica, string database)
    {
        using var http = new HttpClient();
        var text = await http.PostAsync(cluster.Replica(replica), new StringContent($"SELECT count() FROM {database}.siem_events_local"));
        return long.Parse((await text.Content.ReadAsStringAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
