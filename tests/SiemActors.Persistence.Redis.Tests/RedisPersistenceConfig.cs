using Akka.Configuration;
using SiemActors.Persistence.Redis;

namespace SiemActors.Persistence.Redis.Tests;

/// <summary>
/// An actor system configuration using the Redis journal and snapshot store on the Redis that scripts/services.sh
/// started (SIEM_REDIS, default 127.0.0.1:6379), under a key prefix of its own.
/// </summary>
public static class RedisPersistenceConfig
{
    public static string Endpoint => Environment.GetEnvironmentVariable("SIEM_REDIS") ?? "127.0.0.1:6379";

    public static string NewPrefix() => $"test-persistence-{Guid.NewGuid():N}";

    public static Config Create(string prefix) => ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.redis"
            redis { connection = "{{Endpoint}}", key-prefix = "{{prefix}}" }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.redis"
            redis { connection = "{{Endpoint}}", key-prefix = "{{prefix}}" }
          }
        }
        akka.loglevel = WARNING
        """).WithFallback(RedisPluginSettings.DefaultConfig);
}
