using System.Net.Http.Headers;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Auth;
using SiemActors.Auth;
using SiemActors.Domain.Events;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Api.Tests;

/// <summary>
/// The api role wired as the node wires it (<see cref="ApiHosting"/>), on a free loopback port, over the Redis and
/// ClickHouse that scripts/services.sh started, with a key prefix and a database of its own. Events reach it the way
/// they reach a node's: through the real Redis and ClickHouse sinks.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    public const string Secret = "api-tests-secret-0123456789abcdefghijkl";
    /// <summary>The Redis the sinks write to and the api reads (a cluster in <see cref="ClusterApiHost"/>).</summary>
    protected virtual string RedisEndpoint => Environment.GetEnvironmentVariable("SIEM_REDIS") ?? "127.0.0.1:6379";

    /// <summary>Extra <c>siem.sinks.redis</c> settings.</summary>
    protected virtual string RedisExtra => "";
    private static readonly string ClickHouseUrl = Environment.GetEnvironmentVariable("SIEM_CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";
    private readonly string _prefix = "apitest-" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _database = "apitest_" + Guid.NewGuid().ToString("N")[..10];
    private WebApplication _app = null!;
    private IConnectionMultiplexer _redis = null!;
    private ClickHouseHttpClient _clickHouse = null!;
    private long _nextOffset;

    public string BaseUrl { get; private set; } = null!;

    /// <summary>More HOCON for the host (the archive's tests turn the archive on).</summary>
    protected virtual string ExtraConfig => "";

    public ClickHouseSinkSettings StoreSettings { get; private set; } = null!;

    public Config Config { get; private set; } = null!;

    public ApiSettings Settings { get; private set; } = null!;

    public RedisEventWriter Redis { get; private set; } = null!;

    public ClickHouseEventWriter ClickHouse { get; private set; } = null!;

    public RedisAlertWriter RedisAlerts { get; private set; } = null!;

    public ClickHouseAlertWriter ClickHouseAlerts { get; private set; } = null!;

    /// <summary>Writes alerts to both alert stores, as a node's detection entities do.</summary>
    public Task StoreAlertsAsync(IReadOnlyList<Domain.Alerts.Alert> alerts) =>
        Task.WhenAll(RedisAlerts.WriteAsync(alerts), ClickHouseAlerts.WriteAsync(alerts));

    /// <summary><c>siem.api.live</c> for this host: no rate cap in the way of the fast clients; the slow-reader test
    /// overflows the 5000-event buffer.</summary>
    protected virtual string LiveConfig =>
        "max-events-per-second = 1000000, buffer-per-connection = 5000, push-interval = 50ms, stats-interval = 200ms, streams-refresh = 200ms, read-block = 200ms, send-timeout = 10m, max-delay = 10m";

    public virtual async Task InitializeAsync()
    {
        var config = ConfigurationFactory.ParseString($$"""
            siem.api {
              http.port = 0
              auth { secret = "{{Secret}}", clock-skew = 0s }
              live { {{LiveConfig}} }
              # The tests poll the API (the audit trail) faster than an analyst: the per-user rate is LimitsTests' subject.
              limits.queries-per-minute = 1000000
            }
            siem.sinks.redis { connection = "{{RedisEndpoint}}", key-prefix = "{{_prefix}}" {{RedisExtra}} }
            siem.sinks.clickhouse { url = "{{ClickHouseUrl}}", database = {{_database}}, retry-max-backoff = 500ms, request-timeout = 10s }
            {{ExtraConfig}}
            """);
        Settings = ApiSettings.Create(config);
        var redisSettings = RedisSinkSettings.Create(config);
        var storeSettings = ClickHouseSinkSettings.Create(config);
        StoreSettings = storeSettings;
        Config = config;
        try
        {
            _redis = await RedisEventWriter.ConnectAsync(redisSettings);
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException($"no Redis at {RedisEndpoint}: run the tests with scripts/test.sh, or start it with scripts/services.sh start", ex);
        }
        Redis = new RedisEventWriter(_redis, redisSettings, NoLogger.Instance);
        RedisAlerts = new RedisAlertWriter(_redis, redisSettings);
        _clickHouse = new ClickHouseHttpClient(storeSettings, NoLogger.Instance);
        ClickHouse = new ClickHouseEventWriter(_clickHouse, storeSettings, NoLogger.Instance);
        ClickHouseAlerts = new ClickHouseAlertWriter(_clickHouse, storeSettings);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await ClickHouse.EnsureSchemaAsync(timeout.Token);
            await ClickHouseAlerts.EnsureSchemaAsync(timeout.Token);
        }

        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{Settings.Host}:{Settings.Port}");
        builder.Services.AddAkka("api-tests", akka => akka.WithLiveBridge(Settings, config));
        builder.Services.AddSiemApi(Settings, config);
        _app = builder.Build();
        _app.UseSiemApi(Settings);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
    }

    /// <summary>Appends an entry to a live stream with an explicit id (its time: Unix ms), as if stored then.</summary>
    public async Task AppendOldEntryAsync(string source, long storedAtMs, string json)
    {
        var db = _redis.GetDatabase();
        var stream = $"{_prefix}:stream:{{{source}}}";
        await db.ExecuteAsync("XADD", stream, $"{storedAtMs}-1", "event", json);
        await db.SetAddAsync($"{_prefix}:streams", stream);
    }

    internal Task<Live.BridgeMessages.Counts> BridgeCountsAsync() =>
        _app.Services.GetRequiredService<ActorRegistry>().Get<Live.LiveBridge>().Ask<Live.BridgeMessages.Counts>(Live.BridgeMessages.GetCounts.Instance,
            TimeSpan.FromSeconds(10));

    public string Token(string user = "analyst", TimeSpan? lifetime = null, string role = AnalystRoles.Viewer) =>
        AnalystTokens.Issue(Settings.Auth, user, lifetime, role: role);

    public HttpClient Http(string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public HubConnection Hub(string? token) => new HubConnectionBuilder()
        .WithUrl(BaseUrl + JwtAuthentication.HubPath, o =>
        {
            if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .Build();

    /// <summary>Writes events through both sinks, as one batch of a partition of their own; returns them.</summary>
    public async Task<IReadOnlyList<EnrichedEvent>> StoreAsync(int count, Func<int, (string Source, Severity Severity)> shape,
        long? firstTimestamp = null, int rawBytes = 40)
    {
        var first = Interlocked.Add(ref _nextOffset, count) - count;
        var start = firstTimestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - count;
        var padding = new string('x', Math.Max(0, rawBytes - 20));
        var events = Enumerable.Range(0, count).Select(i =>
        {
            var (source, severity) = shape(i);
            var offset = first + i;
            return new EnrichedEvent(new SecurityEvent
            {
                EventId = $"ev-{offset:D8}", Timestamp = start + i, IngestedAt = start + i, Source = source, Host = $"host-{i % 5}",
                Severity = severity, Message = $"event {offset}", SrcIp = $"10.0.{i % 200}.{i % 250 + 1}",
                Raw = Encoding.UTF8.GetBytes($"{{\"n\":{offset},\"pad\":\"{padding}\"}}"), Origin = new KafkaOrigin("siem-events", 0, offset),
            }, new HostEnrichment(start, offset + 1, 1));
        }).ToList();
        var batch = new EventBatch("siem-events", 0, first, first + count - 1, events);
        await Task.WhenAll(Redis.WriteAsync(batch), ClickHouse.WriteAsync(batch));
        return events;
    }

    public virtual async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            // Large SCAN pages: a Redis that holds millions of other keys (a benchmark's, with their TTL) is scanned in
            // a few hundred round trips instead of tens of thousands. Every master of a cluster.
            foreach (var server in _redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
                await foreach (var key in server.KeysAsync(pattern: _prefix + ":*", pageSize: 5000)) await _redis.GetDatabase().KeyDeleteAsync(key);
        }
        catch (RedisTimeoutException ex)
        {
            // Only this test class's scratch keys are left behind (unique prefix); the tests' results stand.
            Console.Error.WriteLine($"ApiHost: deleting the keys under {_prefix} timed out ({ex.Message}); they are left in Redis");
        }
        await _clickHouse.QueryAsync($"DROP DATABASE IF EXISTS {_database}");
        _clickHouse.Dispose();
        _redis.Dispose();
    }
}
