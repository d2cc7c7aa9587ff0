using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Faults;
using Polly;
using SiemActors.Resilience;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// Writes partition batches to Redis — a single server or a Redis Cluster — with <c>WriteBatch.lua</c>: one atomic,
/// idempotent script per batch and source (a source's keys share one slot). While
/// Redis is unreachable it retries (<see cref="Retries"/>: backoff with jitter, target <c>redis</c>) for as long as it
/// takes or until the partition's token is cancelled, so the caller back-pressures instead of losing or skipping anything.
/// </summary>
public sealed class RedisEventWriter(IConnectionMultiplexer redis, RedisSinkSettings settings, ILoggingAdapter log)
{
    private readonly Persistence.Redis.ReplicaWait _wait = settings.ReplicaWait;

    private readonly ResiliencePipeline _retries = Retries.Forever("redis", new RetrySettings(settings.RetryMinBackoff, settings.RetryMaxBackoff),
        ex => ex is RedisException or TimeoutException,
        retry =>
        {
            if (retry.Failure is RedisServerException && !IsTransient(retry.Failure.Message))
                log.Error("Redis refused the write of {0} (attempt {1}): {2}; retrying in {3} — the partition waits until Redis is fixed", retry.What,
                    retry.Attempt, retry.Failure.Message, retry.Wait);
            else
                log.Warning("Redis write of {0} failed (attempt {1}): {2}; retrying in {3}", retry.What, retry.Attempt, retry.Failure.Message, retry.Wait);
        });

    /// <summary>Connects the one multiplexer a node shares; it reconnects by itself after outages.</summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(RedisSinkSettings settings)
    {
        var options = settings.Client.Options();
        options.AbortOnConnectFail = false; // start even while Redis is down; writes wait and retry
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the batch: one <c>WriteBatch.lua</c> call per source (each atomic and idempotent in its source's slot) and
    /// the streams into <c>&lt;prefix&gt;:streams</c>, then — with <c>wait-replicas</c> — a <c>WAIT</c> on each master that
    /// ran a script, then the partition's mark. Returns how many of its events were new (the rest were written by an
    /// earlier attempt) and the events whose JSON could not be written. Every error Redis answers is retried with
    /// backoff for as long as it lasts (unreachable, out of memory, busy, read-only, loading, a failing script, a
    /// failover under way, too few replicas): the partition waits, loudly, rather than lose events or stop the node.
    /// A retry writes again only what an earlier attempt did not.
    /// </summary>
    public async Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken cancellation = default)
    {
        var refused = new List<RefusedEvent>();
        var payload = RedisBatchPayload.Build(batch, settings, refused);
        var attempts = 0;
        var written = await _retries.ExecuteAsync(batch, async _ =>
        {
            attempts++;
            CrashPoints.Reach(CrashPoint.RedisBeforeScript);
            // StackExchange.Redis takes no token: a call under way completes or times out by itself.
            var db = redis.GetDatabase();
            var sources = new Task<(IServer Server, RedisResult Written)>[payload.Sources.Count];
            for (var i = 0; i < sources.Length; i++)
                sources[i] = LuaScripts.WriteBatchOnOwner.EvaluateAsync(redis, payload.Sources[i].Keys, payload.Sources[i].Arguments);
            var listed = payload.Streams.Length > 0 ? db.SetAddAsync(settings.StreamsKey, payload.Streams) : Task.FromResult(0L);
            var scripts = Task.WhenAll(sources);
            await Task.WhenAll(scripts, listed).ConfigureAwait(false); // both observed, whichever fails
            var ran = await scripts.ConfigureAwait(false);
            // The events count once the replicas of the servers that ran the scripts have them. The streams' listing and
            // the partition's mark are not waited for: the next batch lists its streams again, and the mark only tells new
            // logs from old (docs/delivery.md).
            await _wait.OnAsync(ran.Select(r => r.Server)).ConfigureAwait(false);
            await db.ScriptEvaluateAsync(LuaScripts.RaiseMark, [settings.OffsetsKey], [payload.PartitionField, payload.LastOffset]).ConfigureAwait(false);
            return ran.Sum(r => (long)r.Written);
        }, cancellation).ConfigureAwait(false);
        CrashPoints.Reach(CrashPoint.RedisAfterScript);
        if (attempts > 1) log.Info("Redis write of {0} succeeded after {1} attempts", batch, attempts);
        // Redis answered. The payload's buffer goes back to the pool only after a first attempt: after a failed one (a
        // timeout) the client may still write it from its backlog, so the buffer is left to the GC.
        if (attempts == 1) payload.Dispose();
        return new SinkWrite((int)written, refused);
    }

    /// <summary>Errors Redis answers while it cannot take writes for a while: expected to pass by themselves.</summary>
    private static bool IsTransient(string message) =>
        message.Contains("OOM", StringComparison.Ordinal) || message.Contains("BUSY", StringComparison.Ordinal)
        || message.Contains("LOADING", StringComparison.Ordinal) || message.Contains("READONLY", StringComparison.Ordinal)
        || message.Contains("MASTERDOWN", StringComparison.Ordinal) || message.Contains("CLUSTERDOWN", StringComparison.Ordinal)
        || message.Contains("TRYAGAIN", StringComparison.Ordinal) || message.Contains("NOREPLICAS", StringComparison.Ordinal);

    /// <summary>The partition's high-water mark: the highest offset written, or -1.</summary>
    public async Task<long> HighWaterMarkAsync(string topic, int partition)
    {
        var value = await redis.GetDatabase().HashGetAsync(settings.OffsetsKey, RedisBatchPayload.PartitionFieldOf(topic, partition)).ConfigureAwait(false);
        return value.IsNull ? -1 : (long)value;
    }
}
