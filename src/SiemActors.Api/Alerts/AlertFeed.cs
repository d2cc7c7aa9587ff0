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
/// alert goes to every subscribed client, once; a poll that fails is retried at the next interval.
/// </summary>
public sealed class AlertFeed(IHubContext<EventsHub, IEventsClient> hub, RedisSinkSettings redis, LiveSettings settings, ILogger<AlertFeed> log)
    : BackgroundService
{
    public const string Group = "alerts";
    private const int ReadCount = 500;
    private readonly TaskCompletionSource<IDatabase> _db = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Orders subscriptions against pushes: every entry at or below _position has been pushed (or was in the stream when
    // the feed started); entries above it will be. A subscriber joins and reads up to _position under the lock, so it
    // gets every alert exactly once: from the read or from a later push.
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _position;

    /// <summary>
    /// Runs <paramref name="join"/> (adding the connection to <see cref="Group"/>) and returns the newest
    /// <paramref name="count"/> alerts already pushed, newest first; every later alert reaches the connection by push.
    /// </summary>
    public async Task<IReadOnlyList<RawJson>> SubscribeAsync(Func<Task> join, int count)
    {
        var db = await _db.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            var position = await PositionAsync(db).ConfigureAwait(false);
            await join().ConfigureAwait(false);
            var entries = await db.StreamRangeAsync(redis.AlertsStreamKey, "-", position, count, Order.Descending).ConfigureAwait(false);
            return entries.Select(Alert).OfType<RawJson>().ToList();
        }
        finally
        {
            _lock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var options = redis.Client.Options();
        options.AbortOnConnectFail = false;
        options.ClientName = "siem-alert-feed";
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var db = connection.GetDatabase();
        _db.TrySetResult(db);
        while (!stopping.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await PushNewAsync(db).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                log.LogWarning("Reading the alerts stream failed: {Reason}; retrying", ex.Message);
            }
            if (!full) await Task.Delay(settings.AlertsPollInterval, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Pushes the entries after the position and moves it; true when a full read suggests more are waiting.</summary>
    private async Task<bool> PushNewAsync(IDatabase db)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            var position = await PositionAsync(db).ConfigureAwait(false);
            var entries = await db.StreamRangeAsync(redis.AlertsStreamKey, "(" + position, "+", ReadCount).ConfigureAwait(false);
            if (entries.Length == 0) return false;
            var alerts = entries.Select(Alert).OfType<RawJson>().ToList();
            if (alerts.Count > 0) await hub.Clients.Group(Group).Alerts(alerts).ConfigureAwait(false);
            _position = entries[^1].Id.ToString();
            return entries.Length == ReadCount;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The position; at first the newest entry present (clients get older ones when they subscribe).</summary>
    private async Task<string> PositionAsync(IDatabase db)
    {
        if (_position is { } known) return known;
        var newest = await db.StreamRangeAsync(redis.AlertsStreamKey, "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return _position = newest.Length > 0 ? newest[0].Id.ToString()! : "0-0";
    }

    private static RawJson? Alert(StreamEntry entry)
    {
        var json = entry["alert"];
        return json.IsNull ? null : new RawJson((byte[])json!);
    }
}
