using System.Collections.Concurrent;
using SiemActors.Domain.Alerts;

namespace SiemActors.Detection.Tests;

/// <summary>An alert store in memory for entity tests: records what is published; can be told to fail.</summary>
public sealed class RecordingPublisher : IAlertPublisher
{
    public ConcurrentQueue<Alert> Published { get; } = new();

    public volatile bool Failing;

    public int Attempts;

    public Task PublishAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Attempts);
        if (Failing) return Task.FromException(new InvalidOperationException("alert store down"));
        foreach (var a in alerts) Published.Enqueue(a);
        return Task.CompletedTask;
    }
}
