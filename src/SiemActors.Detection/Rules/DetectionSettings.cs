using Akka.Configuration;

namespace SiemActors.Detection.Rules;

/// <summary><c>siem.detection</c>, over the defaults of the embedded <c>reference.conf</c> (meaning of each there).</summary>
public sealed record DetectionSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Detection.reference.conf", typeof(DetectionSettings).Assembly));

    /// <summary>The embedded defaults (also the detection serializer's bindings), to add to an actor system's config.</summary>
    public static Config DefaultConfig => Reference.Value;

    public bool Enabled { get; init; }

    public IReadOnlyList<DetectionRule> Rules { get; init; } = [];

    public TimeSpan AllowedLateness { get; init; }

    public int SampleSize { get; init; }

    public int MaxEntriesPerWindow { get; init; }

    public int SnapshotEvery { get; init; }

    public TimeSpan CheckInterval { get; init; }

    /// <summary>
    /// An entity that received no facts for this long forgets its key (see <see cref="Engine.DetectionState.CanForget"/>):
    /// <c>idle-timeout</c>, by default (auto) the longest window plus the allowed lateness plus a minute.
    /// </summary>
    public TimeSpan IdleTimeout => ConfiguredIdleTimeout
        ?? (Rules.Count == 0 ? TimeSpan.Zero : Rules.Max(r => r.Window)) + AllowedLateness + TimeSpan.FromMinutes(1);

    public TimeSpan? ConfiguredIdleTimeout { get; init; }

    public TimeSpan PublishRetryMinBackoff { get; init; }

    public TimeSpan PublishRetryMaxBackoff { get; init; }

    public int MaxShards { get; init; }

    /// <summary>An entity with nothing pending and no facts for this long stops, its state kept in a snapshot; zero: never.</summary>
    public TimeSpan DormantAfter { get; init; }

    /// <summary>A live entity with events newer than its last snapshot snapshots again once that one is this old.</summary>
    public TimeSpan SnapshotMaxAge { get; init; }

    /// <summary>How often an entity without facts looks whether it may go dormant or be forgotten.</summary>
    public TimeSpan IdleCheck => DormantAfter > TimeSpan.Zero && DormantAfter < IdleTimeout ? DormantAfter : IdleTimeout;

    public bool RememberEntities { get; init; }

    public long AllowedLatenessMs => (long)AllowedLateness.TotalMilliseconds;

    public static DetectionSettings Create(Config config)
    {
        var s = config.WithFallback(Reference.Value).GetConfig("siem.detection");
        var settings = new DetectionSettings
        {
            Enabled = s.GetBoolean("enabled", true),
            Rules = DetectionRules.Parse(s),
            AllowedLateness = s.GetTimeSpan("allowed-lateness"),
            SampleSize = s.GetInt("sample-size"),
            MaxEntriesPerWindow = s.GetInt("max-entries-per-window"),
            SnapshotEvery = s.GetInt("snapshot-every"),
            CheckInterval = s.GetTimeSpan("check-interval"),
            PublishRetryMinBackoff = s.GetTimeSpan("publish-retry-min-backoff"),
            PublishRetryMaxBackoff = s.GetTimeSpan("publish-retry-max-backoff"),
            MaxShards = s.GetInt("max-shards"),
            RememberEntities = s.GetBoolean("remember-entities"),
            DormantAfter = s.GetTimeSpan("dormant-after"),
            SnapshotMaxAge = s.GetTimeSpan("snapshot-max-age"),
            ConfiguredIdleTimeout = s.GetString("idle-timeout", "auto") == "auto" ? null : s.GetTimeSpan("idle-timeout"),
        };
        if (settings.ConfiguredIdleTimeout is { } idle && idle <= TimeSpan.Zero)
            throw new DetectionConfigException("siem.detection.idle-timeout must be positive, or auto");
        if (settings.AllowedLateness < TimeSpan.Zero) throw new DetectionConfigException("siem.detection.allowed-lateness must not be negative");
        if (settings.SampleSize < 1) throw new DetectionConfigException("siem.detection.sample-size must be at least 1");
        if (settings.MaxEntriesPerWindow < 10) throw new DetectionConfigException("siem.detection.max-entries-per-window must be at least 10");
        if (settings.SnapshotEvery < 1) throw new DetectionConfigException("siem.detection.snapshot-every must be at least 1");
        if (settings.CheckInterval <= TimeSpan.Zero) throw new DetectionConfigException("siem.detection.check-interval must be positive");
        if (settings.MaxShards < 1) throw new DetectionConfigException("siem.detection.max-shards must be at least 1");
        if (settings.DormantAfter < TimeSpan.Zero) throw new DetectionConfigException("siem.detection.dormant-after must not be negative");
        if (settings.SnapshotMaxAge <= TimeSpan.Zero) throw new DetectionConfigException("siem.detection.snapshot-max-age must be positive");
        return settings;
    }

    /// <summary>Rules in effect: none when detection is disabled.</summary>
    public IReadOnlyList<DetectionRule> ActiveRules => Enabled ? Rules : [];
}
