using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Live;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Api.Alerts;

/// <summary>
/// Pushes new alerts to the hub's <see cref="Group"/> (clients join it with <c>SubscribeAlerts</c>): follows the Redis
/// stream <c>&lt;prefix&gt;:alerts</c> from the node's start (<see cref="RedisStreamFeed"/>). Alerts are few, and every
/// alert goes to every subscribed client, once; a poll that fails is retried at the next interval.
/// </summary>
public sealed class AlertFeed(IHubContext<EventsHub, IEventsClient> hub, RedisSinkSettings redis, LiveSettings settings, ILogger<AlertFeed> log)
    : RedisStreamFeed(redis, settings, log, "siem-alert-feed", redis.AlertsStreamKey, "alert")
{
    public const string Group = "alerts";

    // Orders subscriptions against pushes: every entry at or below the position has been pushed (or was in the stream
    // when the feed started); entries above it will be. A subscriber joins and reads up to the position under the lock,
    // so it gets every alert exactly once: from the read or from a later push.
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>
    /// Runs <paramref name="join"/> (adding the connection to <see cref="Group"/>) and returns the newest
    /// <paramref name="count"/> alerts already pushed, newest first; every later alert reaches the connection by push.
    /// </summary>
    public async Task<IReadOnlyList<RawJson>> SubscribeAsync(Func<Task> join, int count)
    {
        var db = await DatabaseAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            var position = await PositionAsync(db).ConfigureAwait(false);
            await join().ConfigureAwait(false);
            var entries = await db.StreamRangeAsync(Stream, "-", position, count, Order.Descending).ConfigureAwait(false);
            return entries.Select(Value).OfType<RawJson>().ToList();
        }
        finally
        {
            _lock.Release();
        }
    }

    protected override Task PushAsync(IReadOnlyList<RawJson> values) => hub.Clients.Group(Group).Alerts(values);

    protected override async Task<bool> PushNewAsync(IDatabase db)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            return await base.PushNewAsync(db).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
