using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Live;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Api.Alerts;

/// <summary>
/// Carries alerts' triage changes to every api node's hub: a change is added to the Redis stream
/// <c>&lt;prefix&gt;:alerts:changes</c> (about <see cref="StreamLength"/> kept) by the node that made it, and each node
/// follows the stream from its start (<see cref="RedisStreamFeed"/>) and pushes what it reads to the alert list's clients
/// (<see cref="AlertFeed.Group"/>). A change that cannot reach the stream (Redis away) is still stored; clients see it
/// when they reload.
/// </summary>
public sealed class AlertChangeFeed(IHubContext<EventsHub, IEventsClient> hub, RedisSinkSettings redis, LiveSettings settings, ILogger<AlertChangeFeed> log)
    : RedisStreamFeed(redis, settings, log, "siem-alert-changes", redis.AlertChangesStreamKey, "change")
{
    /// <summary>Entries the stream keeps: it only carries changes to the hubs; ClickHouse keeps them all.</summary>
    public const int StreamLength = 10_000;

    public async Task PublishAsync(AlertChange change)
    {
        try
        {
            var db = await DatabaseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await db.StreamAddAsync(Stream, "change", JsonSerializer.SerializeToUtf8Bytes(change, ApiEndpoints.Json),
                maxLength: StreamLength, useApproximateMaxLength: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            log.LogWarning("Alert change {ChangeId} of {AlertId} stored but not pushed to the hubs: {Reason}", change.ChangeId, change.AlertId, ex.Message);
        }
    }

    protected override Task PushAsync(IReadOnlyList<RawJson> values) => hub.Clients.Group(AlertFeed.Group).AlertChanges(values);
}
