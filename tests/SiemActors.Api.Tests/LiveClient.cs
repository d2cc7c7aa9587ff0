using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Api.Live;

namespace SiemActors.Api.Tests;

/// <summary>A hub client that records what it is pushed (the slow reader of the tests is <see cref="RawHubClient"/>).</summary>
internal sealed class LiveClient : IAsyncDisposable
{
    // Kept as received and parsed only when a test reads them: the handler stays cheap, so a flood does not make this
    // client a slow reader itself.
    private readonly ConcurrentQueue<(string Subscription, RawJson Event)> _events = new();
    private volatile LiveStats? _lastStats;

    public LiveClient(HubConnection connection)
    {
        Connection = connection;
        Connection.On<string, IReadOnlyList<LiveEvent>>(nameof(IEventsClient.Events), (id, events) =>
        {
            foreach (var e in events) _events.Enqueue((id, e.Event));
        });
        Connection.On<LiveStats>(nameof(IEventsClient.Stats), stats => _lastStats = stats);
    }

    public HubConnection Connection { get; }

    public int EventCount => _events.Count;

    public IReadOnlyList<(string Subscription, JsonElement Event)> Events =>
        _events.Select(e => (e.Subscription, JsonDocument.Parse(e.Event.Utf8).RootElement)).ToList();

    public LiveStats? LastStats => _lastStats;

    public SubscriptionStats? StatsOf(string subscription) => _lastStats?.Subscriptions.FirstOrDefault(s => s.Id == subscription);

    public Task<SubscribeResult> SubscribeAsync(string filter) =>
        Connection.InvokeAsync<SubscribeResult>("Subscribe", filter, new SubscribeOptions());

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
