using Akka.Configuration;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// The settings both plugins share: the Redis to use and the key prefix. Read from the plugin's own config section,
/// over the defaults of the embedded <c>reference.conf</c>.
/// </summary>
public sealed record RedisPluginSettings(string Connection, string KeyPrefix, int ReplayPageSize, TimeSpan EmptyHighestTtl)
{
    /// <summary>
    /// Snapshot store only: the snapshots of persistence ids starting with <see cref="ExpirePrefix"/> expire this long
    /// after the last one was saved (zero: never).
    /// </summary>
    public TimeSpan ExpireAfter { get; init; }

    /// <summary>Replicas that must acknowledge each write (<c>wait-replicas</c>, <c>wait-timeout</c>); none by default.</summary>
    public ReplicaWait Wait { get; init; } = ReplicaWait.None;

    /// <summary>How to connect: the connection string with the section's user, password and TLS (<see cref="RedisClientSettings"/>).</summary>
    public RedisClientSettings Client { get; init; } = null!;

    /// <summary>Which persistence ids <see cref="ExpireAfter"/> applies to (empty: all).</summary>
    public string ExpirePrefix { get; init; } = "";

    /// <summary>The seconds <see cref="ExpireAfter"/> gives a persistence id's snapshots (0: they do not expire).</summary>
    public long ExpireSeconds(string persistenceId) =>
        ExpireAfter > TimeSpan.Zero && persistenceId.StartsWith(ExpirePrefix, StringComparison.Ordinal) ? (long)Math.Ceiling(ExpireAfter.TotalSeconds) : 0;

    internal static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Persistence.Redis.reference.conf", typeof(RedisPluginSettings).Assembly));

    /// <summary>The embedded defaults, to add to an actor system's configuration.</summary>
    public static Config DefaultConfig => Reference.Value;

    public static RedisPluginSettings Journal(Config section) => Create(section, "akka.persistence.journal.redis");

    public static RedisPluginSettings SnapshotStore(Config section) => Create(section, "akka.persistence.snapshot-store.redis");

    private static RedisPluginSettings Create(Config section, string path)
    {
        var config = section.WithFallback(Reference.Value.GetConfig(path));
        var connection = config.GetString("connection");
        if (string.IsNullOrWhiteSpace(connection)) throw new ConfigurationException($"{path}.connection is empty");
        var prefix = config.GetString("key-prefix");
        if (string.IsNullOrWhiteSpace(prefix)) throw new ConfigurationException($"{path}.key-prefix is empty");
        // Each key is read from the plugin's own section of reference.conf; the snapshot store has no replay page (0).
        var page = config.HasPath("replay-page-size") ? config.GetInt("replay-page-size") : 0;
        if (config.HasPath("replay-page-size") && page < 1) throw new ConfigurationException($"{path}.replay-page-size must be at least 1");
        var ttl = config.GetTimeSpan("empty-highest-ttl");
        if (ttl < TimeSpan.Zero) throw new ConfigurationException($"{path}.empty-highest-ttl must not be negative");
        var expireAfter = config.GetTimeSpan("expire-after");
        if (expireAfter < TimeSpan.Zero) throw new ConfigurationException($"{path}.expire-after must not be negative");
        var replicas = config.GetInt("wait-replicas");
        if (replicas < 0) throw new ConfigurationException($"{path}.wait-replicas must not be negative");
        var waitTimeout = config.GetTimeSpan("wait-timeout");
        if (replicas > 0 && waitTimeout < TimeSpan.FromMilliseconds(1)) throw new ConfigurationException($"{path}.wait-timeout must be at least 1ms");
        return new RedisPluginSettings(connection, prefix, page, ttl)
        {
            ExpireAfter = expireAfter, ExpirePrefix = config.GetString("expire-prefix"),
            Wait = new ReplicaWait(replicas, waitTimeout),
            Client = RedisClientSettings.FromConfig(config, path),
        };
    }

    /// <summary>The sorted set of a persistence id's events, scored by sequence number.</summary>
    public string JournalKey(string persistenceId) => $"{KeyPrefix}:journal:{{{persistenceId}}}";

    /// <summary>The highest sequence number ever written for a persistence id; kept when its events are deleted.</summary>
    public string HighestKey(string persistenceId) => $"{KeyPrefix}:journal:{{{persistenceId}}}:highest";

    /// <summary>The sorted set of a persistence id's snapshots, scored by sequence number.</summary>
    public string SnapshotKey(string persistenceId) => $"{KeyPrefix}:snapshots:{{{persistenceId}}}";
}
