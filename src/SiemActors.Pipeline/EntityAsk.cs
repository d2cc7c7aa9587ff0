using Akka.Actor;
using Akka.Event;
using Polly;
using SiemActors.Resilience;

namespace SiemActors.Pipeline;

/// <summary>
/// Asks sharded entities and retries on timeout (<see cref="Retries"/>: backoff with jitter, <c>ask-retry-*</c>) until
/// one answers: the partition's stream waits rather than skip the entity (its answer is part of the commit rule), and
/// stops asking as soon as the partition's token is cancelled (the partition was revoked, the node stops). Entities
/// recognise a repeated message by its offsets.
/// </summary>
public sealed class EntityAsk
{
    private readonly PipelineSettings _settings;
    private readonly ResiliencePipeline _retries;

    public EntityAsk(PipelineSettings settings, ILoggingAdapter log)
    {
        _settings = settings;
        _retries = Retries.Forever("entity-ask", new RetrySettings(settings.AskRetryMinBackoff, settings.AskRetryMaxBackoff),
            ex => ex is AskTimeoutException,
            retry =>
            {
                PipelineMetrics.AskTimeouts.Inc();
                log.Warning("Entity {0} did not answer within {1} (attempt {2}); retrying in {3}", retry.What, settings.AskTimeout, retry.Attempt,
                    retry.Wait);
            });
    }

    public async Task<T> AskAsync<T>(IActorRef region, object message, string entity, CancellationToken cancellation)
    {
        try
        {
            return await _retries.ExecuteAsync(entity, ct => region.Ask<T>(message, _settings.AskTimeout, ct), cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException($"stopped asking entity {entity}: its partition was revoked or the node stops", cancellation);
        }
    }
}
