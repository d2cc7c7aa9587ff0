namespace SiemActors.Kafka.Dsl;

/// <summary>
/// A source's <see cref="IControl"/> with the completion of the sink at the end of its stream, so that one call stops
/// consuming, lets in-flight messages reach the committer, commits them, and closes the consumer.
/// </summary>
public sealed class DrainingControl<T> : IControl
{
    private DrainingControl(IControl control, Task<T> streamCompletion)
    {
        Control = control;
        StreamCompletion = streamCompletion;
    }

    public IControl Control { get; }

    public Task<T> StreamCompletion { get; }

    /// <summary>For <c>.ToMaterialized(sink, Keep.Both).MapMaterializedValue(DrainingControl&lt;T&gt;.Create)</c>.</summary>
    public static DrainingControl<T> Create((IControl Control, Task<T> StreamCompletion) pair) => new(pair.Control, pair.StreamCompletion);

    public static DrainingControl<T> Create(IControl control, Task<T> streamCompletion) => new(control, streamCompletion);

    /// <summary>Stop, drain, commit, close; returns what the stream completed with (or throws what it failed with).</summary>
    public Task<T> DrainAndShutdown() => Control.DrainAndShutdown(StreamCompletion);

    public Task Stop() => Control.Stop();

    public Task Shutdown() => Control.Shutdown();

    public Task IsShutdown => Control.IsShutdown;

    public Task<TResult> DrainAndShutdown<TResult>(Task<TResult> streamCompletion) => Control.DrainAndShutdown(streamCompletion);
}
