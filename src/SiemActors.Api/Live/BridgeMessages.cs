using SiemActors.Domain.Filtering;

namespace SiemActors.Api.Live;

/// <summary>The live bridge's protocol. Hub calls become these messages; replies go back to the asking hub call.</summary>
internal static class BridgeMessages
{
    /// <summary>Add a subscription with an already parsed filter; replied with a <see cref="SubscribeResult"/>.</summary>
    public sealed record Subscribe(string ConnectionId, string User, FilterExpr Filter, SubscribeOptions Options);

    /// <summary>End a subscription of that connection; replied with true when it existed.</summary>
    public sealed record Unsubscribe(string ConnectionId, string SubscriptionId);

    /// <summary>A connection opened: it gets an outbox and stats pushes, subscribed or not.</summary>
    public sealed record ConnectionOpened(string ConnectionId);

    /// <summary>The connection closed: its subscriptions and outbox go.</summary>
    public sealed record ConnectionClosed(string ConnectionId);

    /// <summary>Entries the tail read; replied with <see cref="EntriesAck"/> so the tail reads on only then.</summary>
    public sealed record Entries(IReadOnlyList<StreamEntryData> Items);

    public sealed record EntriesAck
    {
        public static EntriesAck Instance { get; } = new();
    }

    /// <summary>A connection's push task failed (the connection is gone): drop it.</summary>
    public sealed record PushFailed(string ConnectionId, Exception Cause);

    /// <summary>The tail stopped unexpectedly.</summary>
    public sealed record TailStopped(Exception? Cause);

    public sealed record StatsTick
    {
        public static StatsTick Instance { get; } = new();
    }

    /// <summary>How many connections and subscriptions the bridge holds (for tests and the management API).</summary>
    public sealed record GetCounts
    {
        public static GetCounts Instance { get; } = new();
    }

    public sealed record Counts(int Connections, int Subscriptions, long EntriesRead, long EntriesUnreadable, long EntriesSkipped);
}
