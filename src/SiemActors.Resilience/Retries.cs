using Polly;
using Polly.Retry;
using Polly.Timeout;
using Prometheus;

namespace SiemActors.Resilience;

/// <summary>
/// The one retry policy: what a target's <c>handles</c> calls transient is retried with exponential backoff and
/// jitter (<see cref="RetrySettings"/>) for as long as it lasts — the caller's partition waits, loudly, rather than
/// skip or lose anything — and stops at once when the caller's token is cancelled (the partition was revoked, the node
/// stops). Each retry is counted in <c>siem_retries_total{target}</c> and told to <c>onRetry</c> (for the log).
/// </summary>
public static class Retries
{
    private static readonly Counter RetriesTotal = Metrics.CreateCounter("siem_retries_total",
        "Retries of calls that failed transiently, by target (clickhouse, redis, kafka-output, entity-ask, ...).", "target");

    internal static Counter.Child CounterFor(string target) => RetriesTotal.WithLabels(target);

    /// <summary>A retry: the attempt that failed (from 1), why, the wait before the next, and what was tried (<see cref="What"/>, or "").</summary>
    public readonly record struct Retry(int Attempt, Exception Failure, TimeSpan Wait, string What);

    /// <summary>
    /// A context property naming the call (a statement, a batch, an event's origin) for the retry's log line: formatted
    /// only when a retry happens, so naming costs nothing on the path that succeeds.
    /// </summary>
    public static readonly ResiliencePropertyKey<object> What = new("siem.what");

    /// <summary>Runs <paramref name="call"/> through <paramref name="pipeline"/> with <paramref name="what"/> named for its retries' log lines.</summary>
    public static async Task<T> ExecuteAsync<T>(this ResiliencePipeline pipeline, object what, Func<CancellationToken, Task<T>> call, CancellationToken cancellation)
    {
        var context = ResilienceContextPool.Shared.Get(cancellation);
        context.Properties.Set(What, what);
        try
        {
            return await pipeline.ExecuteAsync(async (ctx, state) => await state(ctx.CancellationToken).ConfigureAwait(false), context, call)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>A pipeline retrying failures that <paramref name="handles"/> accepts until they pass or the call is cancelled.</summary>
    /// <param name="target">The metric label and the name in errors.</param>
    /// <param name="settings">Backoff and attempt timeout.</param>
    /// <param name="handles">Which failures are worth retrying; others are thrown to the caller at once.</param>
    /// <param name="onRetry">Told of each retry before its wait (logging).</param>
    public static ResiliencePipeline Forever(string target, RetrySettings settings, Func<Exception, bool> handles, Action<Retry>? onRetry = null)
    {
        settings = settings.Validated(target);
        var counter = CounterFor(target);
        var builder = new ResiliencePipelineBuilder { Name = target };
        builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is TimeoutRejectedException || handles(ex)),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.MinBackoff,
            MaxDelay = settings.MaxBackoff,
            OnRetry = args =>
            {
                counter.Inc();
                if (args.Outcome.Exception is { } failure)
                    onRetry?.Invoke(new Retry(args.AttemptNumber + 1, failure, args.RetryDelay, args.Context.Properties.GetValue(What, "")?.ToString() ?? ""));
                return default;
            },
        });
        if (settings.AttemptTimeout > TimeSpan.Zero) builder.AddTimeout(settings.AttemptTimeout);
        return builder.Build();
    }
}
