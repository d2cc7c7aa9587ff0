using Akka.Configuration;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Sinks.Redis.Tests;

/// <summary>A Redis the tests write to — one server or a cluster — and the sink settings for it; each test gets its own key prefix.</summary>
public abstract class RedisTarget : IAsyncLifetime
{
    /// <summary>The StackExchange.Redis connection string (seed endpoints of a cluster).</summary>
    public abstract string Endpoint { get; }

    /// <summary>Extra <c>siem.sinks.redis</c> settings of this target.</summary>
    protected virtual string ExtraSettings => "";

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            Redis = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},allowAdmin=true,connectTimeout=5000");
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException($"no Redis at {Endpoint}: run the tests with scripts/test.sh, or start it with scripts/services.sh start", ex);
        }
    }

    public RedisSinkSettings Settings() => Settings(Endpoint);

    public RedisSinkSettings Settings(string connection) => RedisSinkSettings.Create(ConfigurationFactory.ParseString($$"""
        siem.sinks.redis {
          connection = "{{connection}}"
          key-prefix = "test-{{Guid.NewGuid():N}}"
          retry-min-backoff = 50ms
          retry-max-backoff = 500ms
          {{ExtraSettings}}
        }
        """));

    public Task DisposeAsync()
    {
        Redis.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The Redis that scripts/services.sh started (SIEM_REDIS, default 127.0.0.1:6379).</summary>
public sealed class RedisFixture : RedisTarget
{
    public static string SingleEndpoint => Environment.GetEnvironmentVariable("SIEM_REDIS") ?? "127.0.0.1:6379";

    public override string Endpoint => SingleEndpoint;
}

/// <summary>
/// The Redis Cluster that <c>scripts/services.sh start redis-cluster</c> started (three masters, three replicas;
/// SIEM_REDIS_CLUSTER, default 127.0.0.1:7000-7002 as seeds). Writes wait for one replica.
/// </summary>
public sealed class RedisClusterFixture : RedisTarget
{
    public static string ClusterEndpoint => Environment.GetEnvironmentVariable("SIEM_REDIS_CLUSTER") ?? "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002";

    public override string Endpoint => ClusterEndpoint;

    protected override string ExtraSettings => "wait-replicas = 1, wait-timeout = 2s";
}

/// <summary>Tests on the cluster run one at a time: one of them kills a master.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
