using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using SiemActors.Kafka.Embedded;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The whole path on this machine: a backlog of events (JSON, or a mix of JSON, RFC 5424, RFC 3164, CEF and LEEF) in
/// the partitions of the in-process broker, one node (all roles) as its own process writing to the local Redis and
/// ClickHouse. Timed from the first stored event to every offset committed; over the same span the node's CPU seconds
/// and the bytes it allocated (its <c>siem_gc_allocated_bytes</c>), per event; and from its latency histogram the
/// time from the pipeline reading an event to every sink having stored it (bucket bounds).
/// </summary>
/// <remarks>
/// With a <c>rate</c>, the events are produced while the node runs, at that rate, each stamped with the moment it was
/// produced: the span is then from the first produce to the last commit, and the latency quantiles are from produce
/// to every sink having stored it (<c>since="event_time"</c>), a live stream's end-to-end latency.
/// </remarks>
internal sealed class PipelineScenario(int events, int partitions, string redis, string clickHouse, string nodeConfig = "", bool mixed = false,
    int rate = 0)
{
    public sealed record Result(long Events, TimeSpan Elapsed, TimeSpan NodeCpu, long PeakRssBytes, TimeSpan Startup, double AllocatedBytes,
        double IngestToStoredP50, double IngestToStoredP95, double IngestToStoredP99)
    {
        public double AllocatedBytesPerEvent => AllocatedBytes / Events;

        public double PerSecond => Events / Elapsed.TotalSeconds;

        public double CpuSecondsPerMillion => NodeCpu.TotalSeconds * 1_000_000 / Events;

        public double CpuMicrosPerEvent => NodeCpu.TotalMilliseconds * 1000 / Events;
    }

    public async Task<Result> RunAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(clickHouse), Timeout = TimeSpan.FromSeconds(30) };
        await Require(http);
        using var kafka = EmbeddedKafkaCluster.Start(brokerCount: 1, initialRebalanceDelay: TimeSpan.Zero);
        kafka.CreateTopic("siem-events", partitions);
        kafka.CreateTopic("siem-events-dlq", 4);
        if (rate > 0 && mixed) throw new ArgumentException("--rate produces JSON events stamped with their produce time; it does not take --formats mixed");
        if (rate == 0)
        {
            Console.WriteLine($"producing {events:N0} events into {partitions} partitions ...");
            Produce(kafka.BootstrapServers);
        }

        var started = Stopwatch.StartNew();
        await using var node = await BenchNode.StartAsync(http, kafka.BootstrapServers, redis, clickHouse, nodeConfig);
        var limit = TimeSpan.FromMinutes(10);
        if (rate == 0)
        {
            while (await node.StoredAsync() == 0) await Wait(node, started, limit);
        }
        else
        {
            while (!await node.AssignedAsync(partitions)) await Wait(node, started, limit);
        }
        var startup = started.Elapsed;
        var cpu0 = NodeStats.CpuTime(node.Process.Id);
        var clock = Stopwatch.StartNew();
        var allocated0 = (await NodeMetrics.ScrapeAsync(http, node.MetricsUrl)).Value("siem_gc_allocated_bytes");
        if (rate > 0)
        {
            Console.WriteLine($"producing {events:N0} events into {partitions} partitions at {rate:N0}/s while the node runs ...");
            await Task.Run(() => ProduceAtRate(kafka.BootstrapServers));
        }
        var end = EndOffsets(kafka.BootstrapServers);
        while (!Committed(kafka.BootstrapServers, node.Group).SequenceEqual(end)) await Wait(node, started, limit);
        var elapsed = clock.Elapsed;
        var cpu = NodeStats.CpuTime(node.Process.Id) - cpu0;
        var metrics = await NodeMetrics.ScrapeAsync(http, node.MetricsUrl);
        var allocated = metrics.Value("siem_gc_allocated_bytes") - allocated0;
        var since = rate > 0 ? "since=\"event_time\"" : "since=\"ingest\"";
        double Latency(double q) => metrics.Quantile("siem_event_latency_seconds", since, q);
        var rss = NodeStats.PeakRssBytes(node.Process.Id);
        var stored = await node.StoredAsync();
        if (stored != events) throw new InvalidOperationException($"ClickHouse has {stored} of {events} events");
        return new Result(events, elapsed, cpu, rss, startup, allocated, Latency(0.5), Latency(0.95), Latency(0.99));
    }

    private static async Task Wait(BenchNode node, Stopwatch started, TimeSpan limit)
    {
        node.Check(started, limit);
        await Task.Delay(100);
    }

    private static async Task Require(HttpClient http)
    {
        try
        {
            await http.GetStringAsync("/ping");
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"no ClickHouse at {http.BaseAddress}: start the services (scripts/services.sh start)", ex);
        }
    }

    private void Produce(string bootstrap)
    {
        using var producer = BenchProducer.Create(bootstrap);
        for (var n = 0; n < events; n++)
        {
            var value = mixed ? MixedFormats.Event(n) : JsonEvent(n, $"2026-11-27T04:{n / 60 % 60:D2}:{n % 60:D2}Z");
            BenchProducer.Send(producer, "siem-events", n % partitions, value);
        }
        producer.Flush(TimeSpan.FromMinutes(2));
    }

    /// <summary>Produces the events at <c>rate</c>/s, each stamped with its produce time (to the 100 ms slice).</summary>
    private void ProduceAtRate(string bootstrap)
    {
        using var producer = BenchProducer.Create(bootstrap);
        BenchProducer.AtRate(producer, events, rate, (n, now) => BenchProducer.Send(producer, "siem-events", n % partitions,
            JsonEvent(n, now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>A failed-login event in Vector's JSON shape: 97 hosts, 3 sources, 250 addresses, 50 users.</summary>
    internal static byte[] JsonEvent(int n, string timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"id":"bench-{{n}}","timestamp":"{{timestamp}}","host":"host-{{n % 97}}","source_type":"{{(n % 3 == 0 ? "firewall" : n % 3 == 1 ? "sshd" : "nginx")}}","severity":"{{n % 8}}","message":"Failed password for user{{n % 50}} from 203.0.113.{{n % 250}} port 22 ssh2","src_ip":"203.0.113.{{n % 250}}","user":"user{{n % 50}}","action":"login","outcome":"failure"}""");

    private long[] EndOffsets(string bootstrap)
    {
        using var c = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-watermarks" }).Build();
        return Enumerable.Range(0, partitions).Select(p => c.QueryWatermarkOffsets(new TopicPartition("siem-events", p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
    }

    private long[] Committed(string bootstrap, string group)
    {
        using var c = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group }).Build();
        return c.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition("siem-events", p)), TimeSpan.FromSeconds(10))
            .OrderBy(t => t.Partition.Value).Select(t => Math.Max(0, t.Offset.Value)).ToArray();
    }
}
