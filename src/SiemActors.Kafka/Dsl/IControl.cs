namespace SiemActors.Kafka.Dsl;

/// <summary>Materialized by every consumer source: stops emitting, shuts the consumer down, reports when it has.</summary>
public interface IControl
{
    /// <summary>
    /// Stops emitting (the source, and each partition's substream, complete) but keeps the consumer open so offsets
    /// of messages still in flight can be committed. Completes when the source has completed.
    /// </summary>
    Task Stop();

    /// <summary>Stops, then closes the consumer (leaving the group). Completes when it is closed.</summary>
    Task Shutdown();

    /// <summary>Completes when the consumer is closed, for whatever reason.</summary>
    Task IsShutdown { get; }

    /// <summary>Stop, wait for <paramref name="streamCompletion"/> (the in-flight messages are processed and committed), then shut down.</summary>
    Task<TResult> DrainAndShutdown<TResult>(Task<TResult> streamCompletion);
}
