using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Faults;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// Writes partition batches to Redis with <c>WriteBatch.lua</c>: one atomic, idempotent script per batch. While
/// Redis is unreachable it retries with backoff for as long as it takes, so the caller back-pressures instead of
/// losing or skipping anything.
/// </summary>
public sealed class RedisEventWriter(IConnectionMultiplexer redis, RedisSinkSettings settings, ILoggingAdapter log)
{
    /// <summary>Connects the one multiplexer a node shares; it reconnects by itself after outages.</summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(RedisSinkSettings settings)
    {
        var options = ConfigurationOptions.Parse(settings.Connection);
        options.AbortOnConnectFail = false; // start even while Redis is down; writes wait and retry
        options.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the batch; returns how many of its events were new (the rest were written by an earlier attempt) and the
    /// events whose JSON could not be written. Every error Redis answers is retried with backoff for as long as it lasts
    /// (unreachable, out of memory, busy, read-only, loading, a failing script): the partition waits, loudly, rather
    /// than lose events or stop the node.
    /// </summary>
    public async Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken cancellation = default)
    {
        var refused = new List<RefusedEvent>();
        var payload = RedisBatchPayload.Build(batch, settings, refused);
        var backoff = settings.RetryMinBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                CrashPoints.Reach(CrashPoint.RedisBeforeScript);
                var written = await redis.GetDatabase().ScriptEvaluateAsync(LuaScripts.WriteBatch, payload.Keys, payload.Arguments).ConfigureAwait(false);
                CrashPoints.Reach(CrashPoint.RedisAfterScript);
                if (attempt > 1) log.Info("Redis write of {0} succeeded after {1} attempts", batch, attempt);
                ReleaseAfter(attempt);
                return new SinkWrite((int)written, refused);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellation.IsCancellationRequested)
            {
                if (ex is RedisServerException && !IsTransient(ex.Message))
                    log.Error("Redis refused the write of {0} (attempt {1}): {2}; retrying in {3} — the partition waits until Redis is fixed", batch, attempt,
                        ex.Message, backoff);
                else
                    log.Warning("Redis write of {0} failed (attempt {1}): {2}; retrying in {3}", batch, attempt, ex.Message, backoff);
                await Task.Delay(backoff, cancellation).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.RetryMaxBackoff.Ticks));
            }
        }

        // Redis answered this attempt. Its buffer goes back to the pool only if it was the first: after a failed attempt
        // (a timeout) the client may still write that one from its backlog, so the buffer is left to the GC.
        void ReleaseAfter(int attempt)
        {
            if (attempt == 1) payload.Dispose();
        }
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
        var value = await redis.GetDatabase().HashGetAsync(settings.OffsetsKey, RedisBatchPayload.PartitionField(topic, partition)).ConfigureAwait(false);
        return value.IsNull ? -1 : (long)value;
    }
}
