using Akka.Configuration;
using SiemActors.Auth;
using SiemActors.Resilience;

namespace SiemActors.Api;

/// <summary>Settings of the api role; defaults in the embedded <c>reference.conf</c> (<c>siem.api</c>).</summary>
public sealed record ApiSettings
{
    private static readonly Lazy<Config> Reference = new(() =>
        ConfigurationFactory.FromResource("SiemActors.Api.reference.conf", typeof(ApiSettings).Assembly));

    /// <summary>The embedded defaults, for hosts that layer their own config over them.</summary>
    public static Config Defaults => Reference.Value;

    /// <summary>From a config holding <c>siem.api</c>; missing keys take the defaults.</summary>
    public static ApiSettings Create(Config config)
    {
        var api = config.WithFallback(Reference.Value).GetConfig("siem.api");
        var http = api.GetConfig("http");
        var live = api.GetConfig("live");
        var history = api.GetConfig("history");
        var settings = new ApiSettings
        {
            Host = http.GetString("host"),
            Port = http.GetInt("port"),
            HttpSecurity = Http.HttpServerSecurity.FromConfig(http),
            Auth = JwtSettings.FromConfig(config),
            Live = new LiveSettings(
                ReadCount: live.GetInt("read-count"),
                ReadBlock: live.GetTimeSpan("read-block"),
                ClusterPollInterval: live.GetTimeSpan("cluster-poll-interval"),
                StreamsRefresh: live.GetTimeSpan("streams-refresh"),
                MaxSubscriptionsPerConnection: live.GetInt("max-subscriptions-per-connection"),
                BufferPerConnection: live.GetInt("buffer-per-connection"),
                MaxEventsPerSecond: live.GetInt("max-events-per-second"),
                PushBatch: live.GetInt("push-batch"),
                PushInterval: live.GetTimeSpan("push-interval"),
                StatsInterval: live.GetTimeSpan("stats-interval"),
                MaxDelay: live.GetTimeSpan("max-delay"),
                SendTimeout: live.GetTimeSpan("send-timeout"),
                AlertsPollInterval: live.GetTimeSpan("alerts-poll-interval"),
                RecentAlerts: live.GetInt("recent-alerts"),
                ReadRetry: new RetrySettings(live.GetTimeSpan("retry-min-backoff"), live.GetTimeSpan("retry-max-backoff")).Validated("siem.api.live"))
            {
                MaxSubscriptionsPerUser = api.GetInt("limits.subscriptions-per-user"),
            },
            History = new HistorySettings(
                DefaultRange: history.GetTimeSpan("default-range"),
                MaxRange: history.GetTimeSpan("max-range"),
                DefaultLimit: history.GetInt("default-limit"),
                MaxLimit: history.GetInt("max-limit"),
                QueryTimeout: history.GetTimeSpan("query-timeout"),
                StatsDefaultWindow: history.GetTimeSpan("stats-default-window")),
            UiRoot = api.GetString("ui-root", ""),
            Audit = SiemActors.Api.Audit.AuditSettings.FromConfig(config),
            Limits = new UserLimitSettings(api.GetInt("limits.queries-per-minute"), api.GetInt("limits.max-result-window")),
            Filter = new Domain.Filtering.FilterLimits(api.GetInt("filter.max-length"), api.GetInt("filter.max-depth"), api.GetInt("filter.max-conditions")),
        };
        settings.Validate();
        return settings;
    }

    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>HTTPS, HSTS and CORS of the node's HTTP endpoints (<c>siem.api.http</c>).</summary>
    public required Http.HttpServerSecurity HttpSecurity { get; init; }

    /// <summary>The URL Kestrel listens on for the UI, hub, API and management.</summary>
    public string Url => $"{HttpSecurity.Scheme}://{Host}:{Port}";

    public required JwtSettings Auth { get; init; }

    public required LiveSettings Live { get; init; }

    /// <summary>What a filter from a client (history, alerts, live subscriptions) may not exceed.</summary>
    public required Domain.Filtering.FilterLimits Filter { get; init; }

    public required HistorySettings History { get; init; }

    public required string UiRoot { get; init; }

    /// <summary>The audit trail (<c>siem.api.audit</c>).</summary>
    public required SiemActors.Api.Audit.AuditSettings Audit { get; init; }

    /// <summary>What one user may ask of this node (<c>siem.api.limits</c>).</summary>
    public required UserLimitSettings Limits { get; init; }

    private void Validate()
    {
        if (Port is < 0 or > 65535) throw new ConfigurationException($"siem.api.http.port must be 0-65535 (got {Port})");
        Positive("live.read-count", Live.ReadCount);
        Positive("live.max-subscriptions-per-connection", Live.MaxSubscriptionsPerConnection);
        Positive("limits.subscriptions-per-user", Live.MaxSubscriptionsPerUser);
        Positive("limits.queries-per-minute", Limits.QueriesPerMinute);
        Positive("limits.max-result-window", Limits.MaxResultWindow);
        if (Limits.MaxResultWindow < History.MaxLimit)
            throw new ConfigurationException("siem.api.limits.max-result-window must be at least siem.api.history.max-limit (one page)");
        Positive("live.buffer-per-connection", Live.BufferPerConnection);
        Positive("live.max-events-per-second", Live.MaxEventsPerSecond);
        Positive("live.push-batch", Live.PushBatch);
        Positive("filter.max-length", Filter.MaxLength);
        Positive("filter.max-depth", Filter.MaxDepth);
        Positive("filter.max-conditions", Filter.MaxConditions);
        Positive("history.default-limit", History.DefaultLimit);
        Positive("history.max-limit", History.MaxLimit);
        if (History.DefaultLimit > History.MaxLimit) throw new ConfigurationException("siem.api.history.default-limit exceeds max-limit");
        if (History.DefaultRange > History.MaxRange) throw new ConfigurationException("siem.api.history.default-range exceeds max-range");
        if (Live.ReadBlock <= TimeSpan.Zero || Live.PushInterval <= TimeSpan.Zero || Live.StatsInterval <= TimeSpan.Zero || Live.MaxDelay <= TimeSpan.Zero || Live.SendTimeout <= TimeSpan.Zero
            || Live.AlertsPollInterval <= TimeSpan.Zero || Live.ClusterPollInterval <= TimeSpan.Zero)
            throw new ConfigurationException("siem.api.live intervals must be positive");
    }

    private static void Positive(string key, int value)
    {
        if (value < 1) throw new ConfigurationException($"siem.api.{key} must be at least 1 (got {value})");
    }
}

/// <summary><c>siem.api.live</c>: the bridge actor and the per-connection outboxes.</summary>
public sealed record LiveSettings(int ReadCount, TimeSpan ReadBlock, TimeSpan ClusterPollInterval, TimeSpan StreamsRefresh, int MaxSubscriptionsPerConnection,
    int BufferPerConnection, int MaxEventsPerSecond, int PushBatch, TimeSpan PushInterval, TimeSpan StatsInterval, TimeSpan MaxDelay, TimeSpan SendTimeout,
    TimeSpan AlertsPollInterval, int RecentAlerts, RetrySettings ReadRetry)
{
    /// <summary>Live subscriptions one user may hold on this node, over all their connections (<c>siem.api.limits.subscriptions-per-user</c>).</summary>
    public int MaxSubscriptionsPerUser { get; init; } = 20;
}

/// <summary>
/// <c>siem.api.limits</c>: searches one user may run per minute on this node (history, stats, alerts, the audit trail;
/// beyond: 429 with Retry-After), and the most rows one search may page through with its cursor.
/// </summary>
public sealed record UserLimitSettings(int QueriesPerMinute, int MaxResultWindow);

/// <summary><c>siem.api.history</c>: bounds of history search.</summary>
public sealed record HistorySettings(TimeSpan DefaultRange, TimeSpan MaxRange, int DefaultLimit, int MaxLimit, TimeSpan QueryTimeout,
    TimeSpan StatsDefaultWindow);
