using Akka.Event;
using SiemActors.Sinks.Tests;
using SiemActors.Testing;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Sinks.Redis.Tests;

/// <summary>
/// A master of the Redis Cluster is SIGKILLed while batches stream in with WAIT for one replica — at the worst moment:
/// its replica is paused (SIGSTOP) and cut off (CLIENT KILL TYPE replica) until the master holds writes the replica
/// never received, then the master is killed and the replica resumed and promoted. Without WAIT the writer would have acknowledged those writes and they would be
/// gone; with it they were never acknowledged and are written again. The killed node rejoins as a replica, and every
/// batch — all of them, in the end — is in the cluster exactly once.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisFailoverTests(RedisClusterFixture fixture)
{
    private static readonly string[] Sources = ["auth", "dns", "firewall", "proxy", "sshd", "vpn"];

    [Fact]
    public async Task A_master_killed_mid_stream_is_failed_over_with_no_batch_lost_and_none_written_twice()
    {
        const int partitions = 6, batches = 40, perBatch = 150;
        var settings = fixture.Settings();
        using var redis = await RedisEventWriter.ConnectAsync(settings);
        var writer = new RedisEventWriter(redis, settings, NoLogger.Instance);
        var acknowledged = 0;
        var streams = Enumerable.Range(0, partitions).Select(p => Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++)
            {
                await writer.WriteAsync(TestEvents.Batch("siem-events", p, (long)b * perBatch, perBatch, Sources));
                Interlocked.Increment(ref acknowledged);
            }
        })).ToArray();

        await Eventually.True(() => Volatile.Read(ref acknowledged) >= partitions * batches / 4, TimeSpan.FromMinutes(1), "a quarter of the batches written");
        // Admin commands on a connection of their own, made now (the cluster's current topology): the writer's connection
        // to the master is held by WAITs while the replica is paused.
        using var admin = await ConnectionMultiplexer.ConnectAsync($"{fixture.Endpoint},allowAdmin=true");
        var master = RedisClusterNodes.MasterOf(admin, settings.StreamKey("sshd"));
        var replica = await RedisClusterNodes.ReplicaOf(admin, master);
        var replicaProcess = await RedisClusterNodes.ProcessOf(replica);
        var masterProcess = await RedisClusterNodes.ProcessOf(master);
        var killed = master.EndPoint.ToString()!;
        RedisClusterNodes.Signal(replicaProcess, "STOP");
        try
        {
            // The master drops its link to the paused replica: what it writes from now on reaches no replica.
            await master.ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
            var cut = await RedisClusterNodes.ReplicationOffset(master);
            await Eventually.True(async () => await RedisClusterNodes.ReplicationOffset(master) > cut, TimeSpan.FromMinutes(1),
                "writes on the master that its replica does not have");
            RedisClusterNodes.Signal(masterProcess, "KILL");
        }
        finally
        {
            RedisClusterNodes.Signal(replicaProcess, "CONT");
        }
        var atKill = Volatile.Read(ref acknowledged);
        // The replica is promoted after cluster-node-timeout; it has no replica of its own until the killed node rejoins,
        // so its sources' batches wait (WAIT 1) meanwhile. Then everything completes.
        await Eventually.True(() => RedisClusterNodes.FailedOver(admin, killed), TimeSpan.FromMinutes(1), $"the slots of {killed} taken over by its replica");
        await RedisClusterNodes.Restart();
        await Task.WhenAll(streams).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(atKill < partitions * batches, "the master was killed after the stream had ended");

        var db = redis.GetDatabase();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long entries = 0;
        foreach (var source in Sources)
        {
            foreach (var entry in await db.StreamRangeAsync(settings.StreamKey(source)))
            {
                entries++;
                var json = (string)entry["event"]!;
                var start = json.IndexOf("\"event_id\":\"", StringComparison.Ordinal) + 12;
                ids.Add(json[start..json.IndexOf('"', start)]);
            }
        }
        const int total = partitions * batches * perBatch;
        Assert.Equal(total, ids.Count);  // lost 0
        Assert.Equal(total, entries);    // duplicates 0
        var missingKeys = 0;
        for (var p = 0; p < partitions; p++)
        {
            var batch = TestEvents.Batch("siem-events", p, 0, batches * perBatch, Sources);
            foreach (var e in batch.Events.Select(x => x.Event))
                if (!await db.KeyExistsAsync(settings.EventKey(e.Timestamp, e.Source, e.EventId))) missingKeys++;
            Assert.Equal(batches * perBatch - 1, await writer.HighWaterMarkAsync("siem-events", p));
        }
        Assert.Equal(0, missingKeys);
    }
}
