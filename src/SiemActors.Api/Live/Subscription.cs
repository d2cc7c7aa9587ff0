using SiemActors.Domain.Events;

namespace SiemActors.Api.Live;

/// <summary>
/// One live subscription: its compiled filter and its counters. The bridge actor counts matches; the connection's
/// outbox counts deliveries and drops from its own task, hence the interlocked counters.
/// </summary>
internal sealed class Subscription(string id, string filter, Func<SecurityEvent, bool> predicate)
{
    private long _matched;
    private long _delivered;
    private long _dropped;

    public string Id { get; } = id;

    public string Filter { get; } = filter;

    public Func<SecurityEvent, bool> Predicate { get; } = predicate;

    public void Matched() => Interlocked.Increment(ref _matched);

    public void Delivered(int count)
    {
        Interlocked.Add(ref _delivered, count);
        LiveMetrics.Delivered.Inc(count);
    }

    public void Dropped()
    {
        Interlocked.Increment(ref _dropped);
        LiveMetrics.Dropped.Inc();
    }

    public SubscriptionStats Snapshot() =>
        new(Id, Filter, Interlocked.Read(ref _matched), Interlocked.Read(ref _delivered), Interlocked.Read(ref _dropped));
}
