using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Live;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Api.Alerts;

/// <summary>
/// Pushes new alerts to the hub's <see cref="Group"/> (clients join it with <c>SubscribeAlerts</c>): follows the Redis
/// stream <c>&lt;prefix&gt;:alerts</c> from the node's start, every <c>alerts-poll-interval</c>. Alerts are few, and every
/// alert goes to every subscribed client; a poll that fails is retried at the next interval.
/// </summary>
public sealed class AlertFeed(IHubContext<EventsHub, IEventsClient> hub, RedisSinkSettings redis, LiveSettings settings, ILogger<AlertFeed> log)
    : BackgroundService
{
    public const string Group = "alerts";
    private const int ReadCount = 500;
    private readonly TaskCompletionSource<IDatabase> _db = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The newest alerts in the stream, newest first.</summary>
    public async Task<IReadOnlyList<RawJson>> RecentAsync(int count)
    {
        var db = await _db.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        var entries = await db.StreamRangeAsync(redis.AlertsStreamKey, "-", "+", count, Order.Descending).ConfigureAwait(false);
        return entries.Select(Alert).OfType<RawJson>().ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var options = ConfigurationOptions.Parse(redis.Connection);
        options.AbortOnConnectFail = false;
        options.ClientName = "siem-alert-feed";
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var db = connection.GetDatabase();
        _db.TrySetResult(db);
        string? last = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (last is null)
                {
                    // Start after the newest alert present at start: clients get older ones from RecentAsync.
                    var newest = await db.StreamRangeAsync(redis.AlertsStreamKey, "-", "+", 1, Order.Descending).ConfigureAwait(false);
                    last = newest.Length > 0 ? newest[0].Id.ToString() : "0-0";
                }
                var entries = await db.StreamRangeAsync(redis.AlertsStreamKey, "(" + last, "+", ReadCount).ConfigureAwait(false);
                if (entries.Length > 0)
                {
                    last = entries[^1].Id.ToString();
                    var alerts = entries.Select(Alert).OfType<RawJson>().ToList();
                    if (alerts.Count > 0) await hub.Clients.Group(Group).Alerts(alerts).ConfigureAwait(false);
                    if (entries.Length == ReadCount) continue;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                log.LogWarning("Reading the alerts stream failed: {Reason}; retrying", ex.Message);
            }
            await Task.Delay(settings.AlertsPollInterval, stopping).ConfigureAwait(false);
        }
    }

    private static RawJson? Alert(StreamEntry entry)
    {
        var json = entry["alert"];
        return json.IsNull ? null : new RawJson((byte[])json!);
    }
}
