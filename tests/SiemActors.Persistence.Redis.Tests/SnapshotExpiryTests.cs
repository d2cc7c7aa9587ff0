using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Persistence.Redis.Tests;

/// <summary>With <c>expire-after</c>, snapshots of persistence ids with the prefix expire after their last save; others never.</summary>
public sealed class SnapshotExpiryTests() : TestKit(Config(Prefix), "snapshot-expiry-spec")
{
    private static readonly string Prefix = RedisPersistenceConfig.NewPrefix();

    private static Config Config(string prefix) => ConfigurationFactory.ParseString(
            """akka.persistence.snapshot-store.redis { expire-after = 1h, expire-prefix = "detection-" }""")
        .WithFallback(RedisPersistenceConfig.Create(prefix));

    [Fact]
    public async Task Snapshots_of_matching_ids_expire_after_the_last_save_and_others_never()
    {
        var store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisPersistenceConfig.Endpoint);
        var expiring = $"detection-{Guid.NewGuid():N}";
        var kept = $"shard-{Guid.NewGuid():N}";

        foreach (var pid in new[] { expiring, kept })
        {
            store.Tell(new SaveSnapshot(new SnapshotMetadata(pid, 5, DateTime.UtcNow), "state"), TestActor);
            ExpectMsg<SaveSnapshotSuccess>(TimeSpan.FromSeconds(10));
        }

        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"{Prefix}:snapshots:{{{expiring}}}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Null(await redis.GetDatabase().KeyTimeToLiveAsync($"{Prefix}:snapshots:{{{kept}}}"));
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"{Prefix}:snapshots:{{{kept}}}"));
    }
}
