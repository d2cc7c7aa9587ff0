using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Api.Live;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The hub-latency phase's clients: <c>clients</c> connections through the official SignalR client to the node's hub,
/// each subscribed to the events of one host (<c>host == "host-N"</c>: about 1/97 of the generator's events each, far
/// below the per-connection cap), measuring per event received produce → received (the event's <c>timestamp</c>, which
/// the harness stamps when it produces it) and stored → received (the Redis stream entry's time).
/// </summary>
internal sealed class HubLatency : IAsyncDisposable
{
    private readonly List<HubConnection> _hubs = [];
    private readonly long[] _dropped;
    private long _received;

    private HubLatency(int clients) => _dropped = new long[clients];

    public MillisHistogram SinceProduced { get; } = new();

    public MillisHistogram SinceStored { get; } = new();

    public long Received => Interlocked.Read(ref _received);

    public long Dropped => _dropped.Sum();

    /// <summary>Only what the measure needs: the body's other fields are skipped by the deserializer.</summary>
    private sealed record Pushed(long StoredAt, ReceivedBody Event);

    private sealed record ReceivedBody(long Timestamp);

    public static async Task<HubLatency> ConnectAsync(string baseUrl, string token, int clients)
    {
        var latency = new HubLatency(clients);
        for (var i = 0; i < clients; i++)
        {
            var index = i;
            var hub = new HubConnectionBuilder().WithUrl(baseUrl + "/hubs/events", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
            hub.On<string, IReadOnlyList<Pushed>>(nameof(IEventsClient.Events), (_, events) =>
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var e in events)
                {
                    latency.SinceProduced.Add(now - e.Event.Timestamp);
                    latency.SinceStored.Add(now - e.StoredAt);
                }
                Interlocked.Add(ref latency._received, events.Count);
            });
            hub.On<LiveStats>(nameof(IEventsClient.Stats), s => Volatile.Write(ref latency._dropped[index], s.Subscriptions.Sum(x => x.Dropped)));
            await hub.StartAsync();
            latency._hubs.Add(hub);
            var result = await hub.InvokeAsync<SubscribeResult>("Subscribe", $"host == \"host-{i % 97}\"", new SubscribeOptions($"bench-host-{i}"));
            if (result.SubscriptionId is null) throw new InvalidOperationException($"the hub refused the subscription: {result.Error}");
        }
        return latency;
    }

    /// <summary>Forgets what was received so far (the connections' ramp, the backlog's end).</summary>
    public void Reset()
    {
        SinceProduced.Clear();
        SinceStored.Clear();
        Interlocked.Exchange(ref _received, 0);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs) await hub.DisposeAsync();
    }
}

/// <summary>What the hub-latency phase measured: per event received by a client, produce → received and stored → received (ms).</summary>
internal sealed record HubLatencyResult(int Clients, int Rate, double Seconds, long Received, long Dropped, double ProducedP50Ms, double ProducedP90Ms,
    double ProducedP99Ms, double ProducedMaxMs, double StoredP50Ms, double StoredP99Ms, Phase Pipeline, IReadOnlyList<LatencyStep> Steps)
{
    public static HubLatencyResult Of(HubLatency hub, int clients, int rate, double seconds, Phase pipeline, IReadOnlyList<LatencyStep> steps) =>
        new(clients, rate, seconds, hub.Received, hub.Dropped, hub.SinceProduced.Quantile(0.5), hub.SinceProduced.Quantile(0.9),
            hub.SinceProduced.Quantile(0.99), hub.SinceProduced.Quantile(1.0), hub.SinceStored.Quantile(0.5), hub.SinceStored.Quantile(0.99), pipeline,
            steps);
}
