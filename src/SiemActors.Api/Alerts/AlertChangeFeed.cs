using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Live;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Api.Alerts;

/// <summary>
/// Carries alerts' triage changes to every api node's hub: a change is added to the Redis stream
/// <c>&lt;prefix&gt;:alerts:changes</c> (about <see cref="StreamLength"/> kept) by the node that made it, and each node
/// follows the stream from its start and pushes what it reads to the alert list's clients (<see cref="AlertFeed.Group"/>).
/// A change that cannot reach the stream (Redis away) is still stored; clients see it when they reload.
/// </summary>
public sealed class AlertChangeFeed(IHubContext<EventsHub, IEventsClient> hub, RedisSinkSettings redis, LiveSettings settings, ILogger<AlertChangeFeed> log)
    : BackgroundService
{
    /// <summary>Entries the stream keeps: it only carries changes to the hubs; ClickHouse keeps them all.</summary>
    public const int StreamLength = 10_000;

    private const int ReadCount = 500;
    private readonly TaskCompletionSource<IDatabase> _db = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task PublishAsync(AlertChange change)
    {
        try
        {
            var db = await _db.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await db.StreamAddAsync(redis.AlertChangesStreamKey, "change", JsonSerializer.SerializeToUtf8Bytes(change, ApiEndpoints.Json),
                maxLength: StreamLength, useApproximateMaxLength: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            log.LogWarning("Alert change {ChangeId} of {AlertId} stored but not pushed to the hubs: {Reason}", change.ChangeId, change.AlertId, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var options = redis.Client.Options();
        options.AbortOnConnectFail = false;
        options.ClientName = "siem-alert-changes";
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var db = connection.GetDatabase();
        _db.TrySetResult(db);
        string? position = null;
        while (!stopping.IsCancellationRequested)
        {
            var full = false;
            try
            {
                if (position is null)
                {
                    var newest = await db.StreamRangeAsync(redis.AlertChangesStreamKey, "-", "+", 1, Order.Descending).ConfigureAwait(false);
                    position = newest.Length > 0 ? newest[0].Id.ToString() : "0-0";
                }
                var entries = await db.StreamRangeAsync(redis.AlertChangesStreamKey, "(" + position, "+", ReadCount).ConfigureAwait(false);
                var changes = entries.Select(e => e["change"]).Where(v => !v.IsNull).Select(v => new RawJson((byte[])v!)).ToList();
                if (changes.Count > 0) await hub.Clients.Group(AlertFeed.Group).AlertChanges(changes).ConfigureAwait(false);
                if (entries.Length > 0) position = entries[^1].Id.ToString();
                full = entries.Length == ReadCount;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                log.LogWarning("Reading the alert changes stream failed: {Reason}; retrying", ex.Message);
            }
            if (!full) await Task.Delay(settings.AlertsPollInterval, stopping).ConfigureAwait(false);
        }
    }
}
