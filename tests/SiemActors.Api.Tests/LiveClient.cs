using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Api.Live;

namespace SiemActors.Api.Tests;

/// <summary>A hub client that records what it is pushed; a gate lets a test stop it from reading.</summary>
internal sealed class LiveClient : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Subscription, JsonElement Event)> _events = new();
    private volatile LiveStats? _lastStats;

    public LiveClient(HubConnection connection, TaskCompletionSource? gate = null)
    {
        Connection = connection;
        Connection.On<string, IReadOnlyList<LiveEvent>>(nameof(IEventsClient.Events), async (id, events) =>
        {
            if (gate is not null) await gate.Task; // a reader that stopped reading: the connection's receive loop waits here
            foreach (var e in events) _events.Enqueue((id, JsonDocument.Parse(e.Event.Utf8).RootElement));
        });
        Connection.On<LiveStats>(nameof(IEventsClient.Stats), stats => _lastStats = stats);
    }

    public HubConnection Connection { get; }

    public IReadOnlyCollection<(string Subscription, JsonElement Event)> Events => _events;

    public LiveStats? LastStats => _lastStats;

    public SubscriptionStats? StatsOf(string subscription) => _lastStats?.Subscriptions.FirstOrDefault(s => s.Id == subscription);

    public Task<SubscribeResult> SubscribeAsync(string filter) =>
        Connection.InvokeAsync<SubscribeResult>("Subscribe", filter, new SubscribeOptions());

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
