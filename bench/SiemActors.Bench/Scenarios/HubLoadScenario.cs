using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using SiemActors.Api.Live;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// Many hub connections with different filters on a running node (scripts/run.sh) for a while: delivery latency (Redis
/// stored → received by the client), events received and dropped, and the node's resident memory over the run.
/// </summary>
internal sealed class HubLoadScenario(string url, string token, int connections, TimeSpan duration, int nodePid)
{
    public static readonly string[] Filters =
    [
        "true",
        """source == "sshd" """,
        "severity >= warning",
        """source == "firewall" and action == "deny" """,
        "src_ip in 203.0.113.0/24",
        """message contains "Failed" """,
        """source in ("nginx", "dns") and severity <= notice""",
        """user == "root" or user == "admin" """,
        "severity >= error",
        """not source == "windows" and dst_port < 1024""",
    ];

    private sealed record Delivered(long StoredAt);

    public sealed record Result(int Connections, TimeSpan Duration, long Received, long Dropped, long Skipped, double P50Ms, double P95Ms, double P99Ms,
        double MaxMs, long RssStartBytes, long RssMaxBytes, long RssEndBytes, IReadOnlyList<(double Minute, long RssBytes)> RssSamples);

    public async Task<Result> RunAsync()
    {
        // No per-event allocation in the handlers.
        var latency = new MillisHistogram();
        long received = 0;
        long skipped = 0;
        var dropped = new long[connections];
        var hubs = new List<HubConnection>();
        for (var i = 0; i < connections; i++)
        {
            var index = i;
            var hub = new HubConnectionBuilder().WithUrl(url + "/hubs/events", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
            // Only the stored time is read: the event bodies are skipped by the deserializer, so the client's own CPU
            // (on the same machine) stays small beside the node's.
            hub.On<string, IReadOnlyList<Delivered>>(nameof(IEventsClient.Events), (_, events) =>
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var e in events) latency.Add(now - e.StoredAt);
                Interlocked.Add(ref received, events.Count);
            });
            hub.On<LiveStats>(nameof(IEventsClient.Stats), s =>
            {
                Volatile.Write(ref dropped[index], s.Subscriptions.Sum(x => x.Dropped));
                Interlocked.Exchange(ref skipped, Math.Max(Interlocked.Read(ref skipped), s.StreamEventsSkipped));
            });
            await hub.StartAsync();
            var result = await hub.InvokeAsync<SubscribeResult>("Subscribe", Filters[i % Filters.Length], new SubscribeOptions($"bench-{i}"));
            if (result.SubscriptionId is null) throw new InvalidOperationException($"filter refused: {result.Error}");
            hubs.Add(hub);
        }

        var samples = new List<(double, long)>();
        var clock = Stopwatch.StartNew();
        var rssStart = NodeStats.RssBytes(nodePid);
        latency.Clear(); // latency from the steady state, not the connection ramp
        Interlocked.Exchange(ref received, 0);
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            var rss = NodeStats.RssBytes(nodePid);
            samples.Add((clock.Elapsed.TotalMinutes, rss));
            Console.WriteLine($"{clock.Elapsed:mm\\:ss} received {Interlocked.Read(ref received):N0}, dropped {dropped.Sum():N0}, " +
                $"skipped by the bridge {Interlocked.Read(ref skipped):N0}, node RSS {rss / 1048576.0:N0} MiB");
        }
        var total = Interlocked.Read(ref received);
        var drops = dropped.Sum();
        foreach (var hub in hubs) await hub.DisposeAsync();
        return new Result(connections, clock.Elapsed, total, drops, Interlocked.Read(ref skipped), latency.Quantile(0.50), latency.Quantile(0.95), latency.Quantile(0.99),
            latency.Quantile(1.0), rssStart, samples.Max(s => s.Item2), samples[^1].Item2, samples);
    }
}
