namespace SiemActors.Api.Live;

/// <summary>What the hub pushes to a connected client (the methods its handlers are registered under).</summary>
public interface IEventsClient
{
    /// <summary>A batch of events that matched one subscription, oldest first.</summary>
    Task Events(string subscriptionId, IReadOnlyList<LiveEvent> events);

    /// <summary>Every <c>stats-interval</c>: the live streams' rate and each subscription's counts.</summary>
    Task Stats(LiveStats stats);

    /// <summary>New alerts (docs/detections.md has their JSON), oldest first; to clients that called SubscribeAlerts.</summary>
    Task Alerts(IReadOnlyList<RawJson> alerts);

    /// <summary>Triage changes of alerts (docs/api.md: each with the alert's status and assignee after it), oldest first; to the same clients.</summary>
    Task AlertChanges(IReadOnlyList<RawJson> changes);
}

/// <summary>A matched event: the normalized event's JSON (docs/schema.md) and when the Redis sink stored it (Unix ms).</summary>
public sealed record LiveEvent(long StoredAt, RawJson Event);

/// <summary>Counts of one subscription since it started.</summary>
/// <param name="Id">The subscription's id.</param>
/// <param name="Filter">Its filter, canonical form.</param>
/// <param name="Matched">Events its filter accepted.</param>
/// <param name="Delivered">Events pushed to the connection.</param>
/// <param name="Dropped">Events discarded because the connection's buffer was full (slow reader or rate cap).</param>
public sealed record SubscriptionStats(string Id, string Filter, long Matched, long Delivered, long Dropped);

/// <summary>
/// A stats push: when, the events read from the live streams per second, how many stream entries this node's bridge
/// skipped since it started because it was further behind than <c>live.max-delay</c> (an overloaded node keeps the
/// live view current rather than ever later), and per-subscription counts.
/// </summary>
public sealed record LiveStats(long At, double StreamEventsPerSecond, long StreamEventsSkipped, IReadOnlyList<SubscriptionStats> Subscriptions);
