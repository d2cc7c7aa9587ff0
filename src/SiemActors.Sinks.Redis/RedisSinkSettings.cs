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
        RetryMinBackoff = section.GetTimeSpan("retry-min-backoff");
        RetryMaxBackoff = section.GetTimeSpan("retry-max-backoff");
        AlertsStreamMaxLength = section.GetInt("alerts-stream-max-length");
        AlertDedupeTtl = section.GetTimeSpan("alert-dedupe-ttl");
        WaitReplicas = section.GetInt("wait-replicas");
        WaitTimeout = section.GetTimeSpan("wait-timeout");
        if (WaitReplicas < 0) throw new ConfigurationException("siem.sinks.redis.wait-replicas must not be negative");
        if (WaitReplicas > 0 && WaitTimeout < TimeSpan.FromMilliseconds(1))
            throw new ConfigurationException("siem.sinks.redis.wait-timeout must be at least 1ms when wait-replicas is set");
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
            throw new ConfigurationException($"siem.sinks.redis.key-prefix must be non-empty and without braces (keys put their hash tag after it): \"{KeyPrefix}\"");
        if (AlertDedupeTtl < TimeSpan.FromSeconds(1)) throw new ConfigurationException("siem.sinks.redis.alert-dedupe-ttl must be at least 1s");
        if (string.IsNullOrWhiteSpace(Connection)) throw new ConfigurationException("siem.sinks.redis.connection is empty");
        Client = Persistence.Redis.RedisClientSettings.FromConfig(section, "siem.sinks.redis");
        if (EventTtl < TimeSpan.Zero) throw new ConfigurationException("siem.sinks.redis.event-ttl must not be negative");
    }

    /// <summary>From a config holding <c>siem.sinks.redis</c>; missing keys take the defaults.</summary>
    public static RedisSinkSettings Create(Config config) => new(config.WithFallback(Reference.Value).GetConfig("siem.sinks.redis"));

    public string Connection { get; init; }

    /// <summary>How every part of the node connects to this Redis: the connection with its user, password and TLS.</summary>
    public Persistence.Redis.RedisClientSettings Client { get; init; }

    public string KeyPrefix { get; init; }

    /// <summary>How long the streams keep an event (<see cref="OldestStreamId"/>); zero: forever.</summary>
    public TimeSpan EventTtl { get; init; }

    /// <summary>
    /// The oldest stream id a write at <paramref name="now"/> keeps (<c>XADD … MINID ~</c>: entries stored more than
    /// <see cref="EventTtl"/> ago are trimmed, a whole node of entries at a time); empty with no TTL.
    /// </summary>
    public string OldestStreamId(DateTimeOffset now) =>
        EventTtl == TimeSpan.Zero ? "" : Math.Max(0, now.ToUnixTimeMilliseconds() - (long)EventTtl.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public TimeSpan RetryMinBackoff { get; init; }

    public TimeSpan RetryMaxBackoff { get; init; }

    public int AlertsStreamMaxLength { get; init; }

    public TimeSpan AlertDedupeTtl { get; init; }

    /// <summary>How many replicas must acknowledge each write before it counts (<c>WAIT</c>); 0: none asked.</summary>
    public int WaitReplicas { get; init; }

    public TimeSpan WaitTimeout { get; init; }

    public Persistence.Redis.ReplicaWait ReplicaWait => new(WaitReplicas, WaitTimeout);

    /// <summary>Each partition's high-water mark over all sources: raised once every source of a batch is written.</summary>
    public string OffsetsKey => KeyPrefix + ":offsets";

    /// <summary>A source's marks: per partition, the highest offset written to this source. In the source's slot.</summary>
    public string SourceMarksKey(string source) => $"{KeyPrefix}:offsets:{{{TagLead(source)}{source}}}";

    /// <summary>The stream of alerts.</summary>
    public string AlertsStreamKey => KeyPrefix + ":alerts";

    /// <summary>The stream of alerts' triage changes, read by every api node's hub.</summary>
    public string AlertChangesStreamKey => KeyPrefix + ":alerts:changes";

    /// <summary>
    /// The key that marks an alert already in the stream: <c>&lt;prefix&gt;:alerts:seen:{&lt;prefix&gt;:alerts}:&lt;alert id&gt;</c>,
    /// tagged with the stream's name so that it shares the stream's Redis Cluster slot.
    /// </summary>
    public string AlertMarkerKey(string alertId) => $"{KeyPrefix}:alerts:seen:{{{AlertsStreamKey}}}:{alertId}";

    public string StreamsKey => KeyPrefix + ":streams";

    /// <summary>
    /// A source's stream: the live view's feed and the hot cache of its last <see cref="EventTtl"/>, one entry per batch
    /// write with an <c>event</c> field per event (<see cref="StreamEvents"/>). The source in braces is the key's hash
    /// tag: its slot on a Redis Cluster.
    /// </summary>
    public string StreamKey(string source) => $"{KeyPrefix}:stream:{{{TagLead(source)}{source}}}";

    /// <summary>
    /// The keys above hold the source in braces: Redis Cluster hashes the text between the first <c>{</c> and the first
    /// <c>}</c> after it, so every key that holds it (after a prefix without braces) is in one slot. A source that starts
    /// with <c>}</c> would make that text empty (the whole key hashed): it gets a <c>~</c> in front, inside the braces.
    /// Written into each key's one interpolation: no string of its own per event.
    /// </summary>
    private static string TagLead(string source) => source.StartsWith('}') ? "~" : "";
}
