using System.Diagnostics;
using Confluent.Kafka;

namespace SiemActors.Bench.Scenarios;

/// <summary>One second of a run: what was committed and what the node spent by then, and its latency histogram.</summary>
internal sealed record Sample(double Seconds, long Committed, double NodeCpuSeconds, long NodeRssBytes, double Allocated,
    IReadOnlyList<(double Le, double Count)> Latency, RedisServerSample Redis);

/// <summary>
/// Samples a running node every second: the events topic's committed offsets (the node's consumer group), the node's
/// CPU and resident memory (/proc), its produce → stored latency histogram (<c>/metrics</c>) and the Redis server's CPU
/// and command costs (<see cref="RedisServerStats"/>; none without <paramref name="redis"/>). The series gives the
/// throughput and latency over the run, the steady state, and the chart.
/// </summary>
internal sealed class Timeline(string bootstrap, string topic, int partitions, string group, int nodePid, HttpClient http, string metricsUrl,
    RedisServerStats? redis = null) : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> _offsets =
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group }).Build();

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public List<Sample> Samples { get; } = [];

    public long Committed() =>
        _offsets.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10))
            .Sum(t => Math.Max(0, t.Offset.Value));

    public async Task<Sample> TakeAsync()
    {
        var metrics = await NodeMetrics.ScrapeAsync(http, metricsUrl);
        var sample = new Sample(_clock.Elapsed.TotalSeconds, Committed(), NodeStats.CpuTime(nodePid).TotalSeconds, NodeStats.RssBytes(nodePid),
            metrics.Value("siem_gc_allocated_bytes"), metrics.Buckets("siem_event_latency_seconds", "since=\"event_time\""),
            redis is null ? RedisServerSample.None : await redis.TakeAsync());
        Samples.Add(sample);
        return sample;
    }

    /// <summary>Samples every second until <paramref name="done"/> says the run is over.</summary>
    public async Task RunUntilAsync(Func<Sample, bool> done, Func<Task> check)
    {
        while (true)
        {
            var sample = await TakeAsync();
            if (done(sample)) return;
            await check();
            var next = TimeSpan.FromSeconds(Math.Ceiling(_clock.Elapsed.TotalSeconds + 0.001)) - _clock.Elapsed;
            await Task.Delay(next);
        }
    }

    /// <summary>The latency quantile of what was stored between two samples (bucket upper bound).</summary>
    public static double Quantile(Sample from, Sample to, double q)
    {
        var deltas = to.Latency.Select((b, i) => (b.Le, Count: b.Count - (i < from.Latency.Count ? from.Latency[i].Count : 0))).ToList();
        if (deltas.Count == 0 || deltas[^1].Count <= 0) return double.NaN;
        var target = q * deltas[^1].Count;
        return deltas.First(b => b.Count >= target).Le;
    }

    public void Dispose() => _offsets.Dispose();
}
