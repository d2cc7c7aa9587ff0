using Akka.Configuration;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Sinks.Redis.Tests;

/// <summary>The Redis that scripts/services.sh started (SIEM_REDIS, default 127.0.0.1:6379); each test gets its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public static string Endpoint => Environment.GetEnvironmentVariable("SIEM_REDIS") ?? "127.0.0.1:6379";

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

    public RedisSinkSettings Settings(string connection) => RedisSinkSettings.Create(ConfigurationFactory.ParseString($$"""
        siem.sinks.redis {
          connection = "{{connection}}"
          key-prefix = "test-{{Guid.NewGuid():N}}"
          retry-min-backoff = 50ms
          retry-max-backoff = 500ms
        }
        """));

    public Task DisposeAsync()
    {
        Redis.Dispose();
        return Task.CompletedTask;
    }
}
