using Akka.Event;
using SiemActors.Resilience;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;

namespace SiemActors.Api.Live;

/// <summary>An event of a live stream: its JSON and when Redis stored it (its entry id's time, Unix ms).</summary>
internal readonly record struct StreamEntryData(long StoredAt, byte[] Json);

/// <summary>
/// Follows every live stream the Redis sink writes (<c>&lt;prefix&gt;:stream:&lt;source&gt;</c>) with blocking
/// <c>XREAD</c>s on a connection of its own, so the shared multiplexer is never blocked. Stream keys come from the set
/// <c>&lt;prefix&gt;:streams</c> (never <c>KEYS</c>), re-read every <c>streams-refresh</c>: streams known when the
/// node's first subscription started are followed from that moment, streams that appear later from their beginning.
/// While the node has no subscription the tail reads nothing. Each read's entries are handed to
/// <c>deliver</c>, awaited before the next read: a slow consumer slows the tail, never the pipeline writing the streams.
/// Redis unreachable: reads are retried (<see cref="Retries.Forever"/>, <c>siem.api.live.retry-*</c>) until the node stops.
/// On a Redis Cluster the streams live in different slots and one <c>XREAD</c> cannot name them all: each stream is read
/// on its own, without blocking, all at once, and a read that found nothing is followed by a pause of
/// <c>cluster-poll-interval</c>.
/// </summary>
internal sealed class RedisStreamTail(RedisSinkSettings keys, LiveSettings settings, Func<IReadOnlyList<StreamEntryData>, Task> deliver,
    Func<long> activeSince, ILoggingAdapter log)
{
    private readonly Dictionary<string, string> _positions = new(StringComparer.Ordinal);
    private DateTime _nextRefresh = DateTime.MinValue;
    private bool _initialized;
    private long _startedAt;

    public async Task RunAsync(CancellationToken cancellation)
    {
        var options = keys.Client.Options();
        options.AbortOnConnectFail = false;
        options.ClientName = "siem-live-bridge";
        options.AsyncTimeout = (int)(settings.ReadBlock + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        options.SyncTimeout = options.AsyncTimeout;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var db = redis.GetDatabase();
        var cluster = redis.GetServers().Any(s => s.ServerType == ServerType.Cluster);
        var retries = Retries.Forever("live-tail", settings.ReadRetry, ex => ex is RedisException or TimeoutException,
            retry => log.Warning("Live bridge cannot read the Redis streams (attempt {0}: {1}); retrying in {2}", retry.Attempt,
                retry.Failure.Message, retry.Wait));
        while (!cancellation.IsCancellationRequested)
        {
            // Nobody subscribed on this node: read nothing. When the first subscription arrives, start at the moment it
            // did (stream ids are times), so nothing stored after Subscribe returned is missed.
            var since = activeSince();
            if (since == 0)
            {
                (_initialized, _startedAt, _nextRefresh) = (false, 0, DateTime.MinValue);
                _positions.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
                continue;
            }
            if (since != _startedAt)
            {
                (_initialized, _startedAt, _nextRefresh) = (false, since, DateTime.MinValue);
                _positions.Clear();
            }
            var entries = await retries.ExecuteAsync("XREAD", async _ =>
            {
                await RefreshStreamsAsync(db).ConfigureAwait(false);
                if (_positions.Count == 0) return null;
                return cluster ? await ReadEachAsync(db).ConfigureAwait(false) : await ReadAsync(db).ConfigureAwait(false);
            }, cancellation).ConfigureAwait(false);
            if (entries is null) await Task.Delay(Min(settings.StreamsRefresh, TimeSpan.FromSeconds(1)), cancellation).ConfigureAwait(false);
            else if (entries.Count > 0) await deliver(entries).ConfigureAwait(false);
            else if (cluster) await Task.Delay(settings.ClusterPollInterval, cancellation).ConfigureAwait(false);
        }
    }

    private async Task RefreshStreamsAsync(IDatabase db)
    {
        if (DateTime.UtcNow < _nextRefresh) return;
        var members = await db.SetMembersAsync(keys.StreamsKey).ConfigureAwait(false);
        foreach (var member in members)
        {
            var key = member.ToString();
            if (_positions.ContainsKey(key)) continue;
            // Known when the subscriptions started: from that moment (XREAD returns ids after the one given). Appeared
            // since: all of it is new.
            _positions[key] = _initialized ? "0-0" : $"{_startedAt - 1}-18446744073709551615";
        }
        _initialized = true;
        _nextRefresh = DateTime.UtcNow + settings.StreamsRefresh;
    }

    private async Task<List<StreamEntryData>> ReadAsync(IDatabase db)
    {
        var args = new List<object> { "COUNT", settings.ReadCount, "BLOCK", (long)settings.ReadBlock.TotalMilliseconds, "STREAMS" };
        var streamKeys = _positions.Keys.ToList();
        args.AddRange(streamKeys);
        args.AddRange(streamKeys.Select(k => (object)_positions[k]));
        var result = await db.ExecuteAsync("XREAD", args).ConfigureAwait(false);
        var entries = new List<StreamEntryData>();
        if (result.IsNull) return entries;

        var items = (RedisResult[])result!;
        if (result.Resp3Type == ResultType.Map)
        {
            for (var i = 0; i + 1 < items.Length; i += 2) Collect(items[i].ToString(), items[i + 1], entries);
        }
        else
        {
            foreach (var pair in items)
            {
                var kv = (RedisResult[])pair!;
                Collect(kv[0].ToString(), kv[1], entries);
            }
        }
        return entries;
    }

    /// <summary>A Redis Cluster: every stream read on its own (routed to its slot's master), not blocking.</summary>
    private async Task<List<StreamEntryData>> ReadEachAsync(IDatabase db)
    {
        var streamKeys = _positions.Keys.ToList();
        var reads = await Task.WhenAll(streamKeys.Select(k => db.StreamReadAsync(k, _positions[k], settings.ReadCount))).ConfigureAwait(false);
        var entries = new List<StreamEntryData>();
        for (var i = 0; i < streamKeys.Count; i++)
        {
            foreach (var entry in reads[i])
            {
                var id = entry.Id.ToString();
                _positions[streamKeys[i]] = id;
                foreach (var json in StreamEvents.Of(entry)) entries.Add(new StreamEntryData(StoredAt(id), (byte[])json!));
            }
        }
        return entries;
    }

    private void Collect(string key, RedisResult streamEntries, List<StreamEntryData> into)
    {
        foreach (var entry in (RedisResult[])streamEntries!)
        {
            var parts = (RedisResult[])entry!;
            var id = parts[0].ToString();
            _positions[key] = id;
            var fields = (RedisResult[])parts[1]!;
            for (var f = 0; f + 1 < fields.Length; f += 2)
            {
                if (fields[f].ToString() != StreamEvents.Field) continue;
                into.Add(new StreamEntryData(StoredAt(id), (byte[])fields[f + 1]!));
            }
        }
    }

    private static long StoredAt(string id)
    {
        var dash = id.IndexOf('-');
        return long.TryParse(dash < 0 ? id : id[..dash], out var ms) ? ms : 0;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
