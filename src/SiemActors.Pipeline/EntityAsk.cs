using Akka.Actor;
using Akka.Event;

namespace SiemActors.Pipeline;

/// <summary>
/// Asks a sharded entity and retries with backoff on timeout until it answers: the partition's stream waits rather
/// than skip the entity (its answer is part of the commit rule). Entities recognise a repeated message by its offsets.
/// </summary>
public static class EntityAsk
{
    public static async Task<T> AskAsync<T>(IActorRef region, object message, string entity, PipelineSettings settings, ILoggingAdapter log)
    {
        var backoff = settings.AskRetryMinBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await region.Ask<T>(message, settings.AskTimeout).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                PipelineMetrics.AskTimeouts.Inc();
                log.Warning("Entity {0} did not answer within {1} (attempt {2}); retrying in {3}", entity, settings.AskTimeout, attempt, backoff);
                await Task.Delay(backoff).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.AskRetryMaxBackoff.Ticks));
            }
        }
    }
}
