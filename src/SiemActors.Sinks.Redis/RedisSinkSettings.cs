using Akka.Configuration;

namespace SiemActors.Sinks.Redis;

/// <summary>Settings of the Redis sink; defaults in the embedded <c>reference.conf</c> (<c>siem.sinks.redis</c>).</summary>
public sealed record RedisSinkSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Sinks.Redis.reference.conf", typeof(RedisSinkSettings).Assembly));

    private RedisSinkSettings(Config section)
    {
        Connection = section.GetString("connection");
        KeyPrefix = section.GetString("key-prefix");
        EventTtl = section.GetTimeSpan("event-ttl");
        StreamMaxLength = section.GetInt("stream-max-length");
        RetryMinBackoff = section.GetTimeSpan("retry-min-backoff");
        RetryMaxBackoff = section.GetTimeSpan("retry-max-backoff");
        AlertsStreamMaxLength = section.GetInt("alerts-stream-max-length");
        AlertDedupeTtl = section.GetTimeSpan("alert-dedupe-ttl");
        if (AlertDedupeTtl < TimeSpan.FromSeconds(1)) throw new ConfigurationException("siem.sinks.redis.alert-dedupe-ttl must be at least 1s");
        if (string.IsNullOrWhiteSpace(Connection)) throw new ConfigurationException("siem.sinks.redis.connection is empty");
        if (StreamMaxLength < 1) throw new ConfigurationException("siem.sinks.redis.stream-max-length must be at least 1");
    }

    /// <summary>From a config holding <c>siem.sinks.redis</c>; missing keys take the defaults.</summary>
    public static RedisSinkSettings Create(Config config) => new(config.WithFallback(Reference.Value).GetConfig("siem.sinks.redis"));

    public string Connection { get; init; }

    public string KeyPrefix { get; init; }

    public TimeSpan EventTtl { get; init; }

    public int StreamMaxLength { get; init; }

    public TimeSpan RetryMinBackoff { get; init; }

    public TimeSpan RetryMaxBackoff { get; init; }

    public int AlertsStreamMaxLength { get; init; }

    public TimeSpan AlertDedupeTtl { get; init; }

    public string OffsetsKey => KeyPrefix + ":offsets";

    /// <summary>The stream of alerts.</summary>
    public string AlertsStreamKey => KeyPrefix + ":alerts";

    /// <summary>Keys <c>&lt;prefix&gt;:alerts:seen:&lt;alert id&gt;</c> mark alerts already in the stream.</summary>
    public string AlertMarkerPrefix => KeyPrefix + ":alerts:seen:";

    public string StreamsKey => KeyPrefix + ":streams";

    public string StreamKey(string source) => $"{KeyPrefix}:stream:{source}";

    public string EventKey(long timestamp, string source, string eventId) => $"{KeyPrefix}:events:{timestamp}:{source}:{eventId}";
}
