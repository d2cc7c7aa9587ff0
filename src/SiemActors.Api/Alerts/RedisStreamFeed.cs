using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SiemActors.Api.Live;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Api.Alerts;

/// <summary>
/// Follows one Redis stream from the node's start and pushes the values of one field of each new entry to the hub
/// (<see cref="PushAsync"/>), every <c>alerts-poll-interval</c>, or at once while reads come back full. The position
/// starts at the newest entry present. A read or push that fails is logged and retried at the next interval: the feed
/// never ends before the node does (a background service that throws would stop the host).
/// </summary>
public abstract class RedisStreamFeed(RedisSinkSettings redis, LiveSettings settings, ILogger log, string clientName, RedisKey stream, string field)
    : BackgroundService
{
    private const int ReadCount = 500;
    private readonly TaskCompletionSource<IDatabase> _db = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _position;

    /// <summary>The stream followed.</summary>
    protected RedisKey Stream => stream;

    /// <summary>The feed's connection, once made.</summary>
    protected Task<IDatabase> DatabaseAsync(TimeSpan within) => _db.Task.WaitAsync(within);

    /// <summary>Pushes values read from the stream, oldest first.</summary>
    protected abstract Task PushAsync(IReadOnlyList<RawJson> values);

    /// <summary>Every entry at or below the position has been pushed (or was in the stream at the start).</summary>
    protected async Task<string> PositionAsync(IDatabase db)
    {
        if (_position is { } known) return known;
        var newest = await db.StreamRangeAsync(stream, "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return _position = newest.Length > 0 ? newest[0].Id.ToString()! : "0-0";
    }

    /// <summary>Pushes the entries after the position and moves it; true when a full read suggests more are waiting.</summary>
    protected virtual async Task<bool> PushNewAsync(IDatabase db)
    {
        var position = await PositionAsync(db).ConfigureAwait(false);
        var entries = await db.StreamRangeAsync(stream, "(" + position, "+", ReadCount).ConfigureAwait(false);
        if (entries.Length == 0) return false;
        var values = entries.Select(Value).OfType<RawJson>().ToList();
        if (values.Count > 0) await PushAsync(values).ConfigureAwait(false);
        _position = entries[^1].Id.ToString();
        return entries.Length == ReadCount;
    }

    /// <summary>The entry's value of the field; null for an entry without it.</summary>
    protected RawJson? Value(StreamEntry entry)
    {
        var value = entry[field];
        return value.IsNull ? null : new RawJson((byte[])value!);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var options = redis.Client.Options();
        options.AbortOnConnectFail = false;
        options.ClientName = clientName;
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
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                log.LogWarning("Following the stream {Stream} failed: {Reason}; retrying", (string?)stream, ex.Message);
            }
            if (!full) await Task.Delay(settings.AlertsPollInterval, stopping).ConfigureAwait(false);
        }
    }
}
