using System.Diagnostics;
using Confluent.Kafka;
using SiemActors.Kafka.Embedded;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// The benchmark (<c>siem-bench run</c>), in one run on the embedded default: one node (every role) as its own process
/// consumes a mix of JSON, RFC 5424, RFC 3164, CEF and LEEF from 32 partitions of the in-process broker while they are
/// produced as fast as the node keeps up (never further ahead than the broker's per-partition retention allows);
/// then a live phase at half the steady-state rate for the produce → stored latency; then, on the same data, the bounds
/// (<see cref="Bounds"/>) and the peer (<see cref="KafkaEnginePeer"/>).
/// </summary>
internal sealed class RunScenario(int events, int partitions, string redis, string clickHouse, string nodeConfig, int liveSeconds, bool withPeer = true, bool withBounds = true,
    int? liveRate = null, int hubClients = 50, int hubSeconds = 30, bool withBaseline = true)
{
    /// <summary>The start of the live phase left out of its settled figures: the switch from the backlog to a stream.</summary>
    private static readonly TimeSpan LiveSettling = TimeSpan.FromSeconds(5);

    /// <summary>Produced but not yet committed, at most: ~9,000 per partition of 32, far below the mock broker's retention.</summary>
    private const long MaxLead = 300_000;

    public async Task<RunReport> RunAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(clickHouse), Timeout = TimeSpan.FromMinutes(5) };
        await http.GetStringAsync("/ping");
        using var kafka = EmbeddedKafkaCluster.Start(brokerCount: 1, initialRebalanceDelay: TimeSpan.Zero);
        kafka.CreateTopic("siem-events", partitions);
        kafka.CreateTopic("siem-events-dlq", 4);

        var started = Stopwatch.StartNew();
        var limit = TimeSpan.FromMinutes(20);
        await using var node = await BenchNode.StartAsync(http, kafka.BootstrapServers, redis, clickHouse, nodeConfig);
        while (!await node.AssignedAsync(partitions))
        {
            node.Check(started, limit);
            await Task.Delay(200);
        }
        var startup = started.Elapsed.TotalSeconds;
        using var redisStats = await RedisServerStats.ConnectAsync(redis);
        using var timeline = new Timeline(kafka.BootstrapServers, "siem-events", partitions, node.Group, node.Process.Id, http, node.MetricsUrl, redisStats);
        using var producer = BenchProducer.Create(kafka.BootstrapServers);

        // Throughput: produce as fast as the node keeps up.
        Console.WriteLine($"throughput phase: {events:N0} mixed events into {partitions} partitions while the node consumes ...");
        long committed = 0;
        var first = await timeline.TakeAsync();
        var producing = Task.Run(() =>
        {
            for (var n = 0; n < events; n++)
            {
                while (n - Interlocked.Read(ref committed) > MaxLead) Thread.Sleep(20);
                BenchProducer.Send(producer, "siem-events", n % partitions, MixedFormats.Event(n, n % 5, DateTimeOffset.UtcNow));
            }
            producer.Flush(TimeSpan.FromMinutes(2));
        });
        await timeline.RunUntilAsync(s =>
        {
            Interlocked.Exchange(ref committed, s.Committed);
            return s.Committed >= events;
        }, async () =>
        {
            node.Check(started, limit);
            if (producing.IsFaulted) await producing;
        });
        await producing;
        var throughput = Phase.Of(timeline.Samples, first, timeline.Samples[^1]);
        var steady = Phase.Steady(timeline.Samples, first, timeline.Samples[^1]);

        // Live: half the steady rate, every event stamped when produced (not RFC 3164: its timestamps are whole seconds).
        // --live-rate fixes it instead, so that runs of two builds compare at the same load.
        var rate = liveRate ?? HalfTheSteadyRate(steady);
        var live = rate * liveSeconds;
        Console.WriteLine($"live phase: {live:N0} events at {rate:N0}/s ({(liveRate is null ? "half the steady rate" : "--live-rate")}) ...");
        var liveFirst = await timeline.TakeAsync();
        var pacing = Task.Run(() => ProduceAtRate(producer, events, live, rate));
        await timeline.RunUntilAsync(s => pacing.IsCompleted && s.Committed >= events + live, async () =>
        {
            node.Check(started, limit);
            if (pacing.IsFaulted) await pacing;
        });
        await pacing;
        var livePhase = Phase.Of(timeline.Samples, liveFirst, timeline.Samples[^1]);
        var liveSettled = Phase.Settled(timeline.Samples, liveFirst, timeline.Samples[^1], LiveSettling);

        var hub = hubClients > 0 ? await HubPhaseAsync(node, timeline, producer, events + live, rate, started, limit) : null;

        var total = events + live + (hub is null ? 0 : hub.Rate * hubSeconds);
        var stored = await node.StoredAsync();
        if (stored != total) throw new InvalidOperationException($"ClickHouse has {stored:N0} of {total:N0} events");
        var peakRss = NodeStats.PeakRssBytes(node.Process.Id);
        await node.StopAsync();

        List<BoundResult> bounds = [];
        if (withBounds)
        {
            // On the throughput phase's events: a long live phase outgrows the mock broker's retention and a single insert.
            Console.WriteLine("bounds: raw consume, raw ClickHouse insert, raw Redis writes ...");
            var (consume, records) = Bounds.RawConsume(kafka.BootstrapServers, "siem-events", partitions, Math.Min(total, events));
            bounds.Add(consume);
            bounds.Add(await Bounds.RawClickHouseAsync(http, node.Database, events));
            bounds.Add(await Bounds.RawRedisAsync(redis, records));
        }

        PlainPeer.Result? baseline = null;
        if (withBaseline)
        {
            Console.WriteLine("baseline: the plain consumer (one process, no actors, at-least-once) on the same records ...");
            baseline = await PlainPeer.RunInProcessAsync(kafka.BootstrapServers, "siem-events", Math.Min(total, events), clickHouse, node.Database, redis);
            Console.WriteLine($"  {baseline.Events:N0} events at {baseline.PerSecond:N0}/s, {baseline.CpuMicrosPerEvent:N1} µs of CPU per event");
        }

        // The peer reads through kcat's mock broker (4 partitions): kept at the 400,000 events it has always had.
        var peerEvents = Math.Min(events, 400_000);
        Console.WriteLine($"peer: ClickHouse's Kafka engine on {peerEvents:N0} JSON events ...");
        var peer = withPeer ? await RunPeerAsync(http, node.Database, peerEvents) : new KafkaEnginePeer.Result(0, double.NaN, double.NaN, "not run (--no-peer)");

        return new RunReport(events, partitions, startup, throughput, steady, rate, livePhase, liveSettled, hub, peakRss, bounds, baseline, peer,
            timeline.Samples.Select(s => new RunReport.Point(s.Seconds - first.Seconds, s.Committed, s.NodeCpuSeconds, s.NodeRssBytes)).ToList(),
            Phase.Intervals(timeline.Samples, first));
    }

    /// <summary>
    /// The hub-latency phase: <c>hubClients</c> connections through the official SignalR client, each subscribed to one
    /// host's events, while events are produced at the live phase's rate for <c>hubSeconds</c>, each stamped when
    /// produced. Its first 5 s are left out (the connections' first pushes, the switch from the live phase); after the
    /// last commit the clients get a few seconds for the last pushes.
    /// </summary>
    private async Task<HubLatencyResult> HubPhaseAsync(BenchNode node, Timeline timeline, IProducer<byte[]?, byte[]> producer, int from, int rate,
        Stopwatch started, TimeSpan limit)
    {
        var count = rate * hubSeconds;
        Console.WriteLine($"hub-latency phase: {hubClients} hub clients, {count:N0} events at {rate:N0}/s ...");
        var auth = SiemActors.Api.ApiSettings.Create(Akka.Configuration.ConfigurationFactory.ParseString($"siem.api.auth.secret = \"{BenchNode.AuthSecret}\"")).Auth;
        var token = SiemActors.Auth.AnalystTokens.Issue(auth, "siem-bench", TimeSpan.FromHours(1));
        await using var clients = await HubLatency.ConnectAsync(node.BaseUrl, token, hubClients);
        var first = await timeline.TakeAsync();
        Sample? settledFrom = null;
        NodeMetrics? metricsFrom = null;
        var pacing = Task.Run(() => ProduceAtRate(producer, from, count, rate));
        await timeline.RunUntilAsync(s =>
        {
            if (settledFrom is null && s.Seconds - first.Seconds >= LiveSettling.TotalSeconds)
            {
                clients.Reset();
                settledFrom = s;
            }
            return pacing.IsCompleted && s.Committed >= from + count;
        }, async () =>
        {
            node.Check(started, limit);
            if (pacing.IsFaulted) await pacing;
            if (settledFrom is not null) metricsFrom ??= await NodeMetrics.ScrapeAsync(node.Http, node.MetricsUrl);
        });
        await pacing;
        // The last pushes: until nothing new arrived for a second (at most 10 s).
        for (var (last, quiet) = (-1L, Stopwatch.StartNew()); quiet.Elapsed < TimeSpan.FromSeconds(10);)
        {
            var now = clients.Received;
            if (now == last) break;
            last = now;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var end = timeline.Samples[^1];
        var pipeline = Phase.Of(timeline.Samples, settledFrom ?? first, end);
        var metricsTo = await NodeMetrics.ScrapeAsync(node.Http, node.MetricsUrl);
        var steps = metricsFrom is null ? [] : LatencyBreakdown.Of(metricsFrom, metricsTo);
        return HubLatencyResult.Of(clients, hubClients, rate, end.Seconds - (settledFrom ?? first).Seconds, pipeline, steps);
    }

    /// <summary>The peer on <paramref name="events"/> JSON events of the generator, in a topic of kcat's mock broker.</summary>
    public static async Task<KafkaEnginePeer.Result> RunPeerAsync(HttpClient http, string database, int events)
    {
        using var peerBroker = KcatMockBroker.Start();
        const int peerPartitions = 4; // what kcat's mock gives an auto-created topic
        var peer = await KafkaEnginePeer.RunAsync(http, database, peerBroker.BootstrapServers, "peer-json", events,
            probe: k =>
            {
                for (var p = 0; p < peerPartitions; p++)
                {
                    using var probeProducer = peerBroker.OpenProducer("peer-json", p);
                    probeProducer.Write(PipelineScenario.JsonEvent(-1 - (int)k * peerPartitions - p, "2026-11-27T04:00:00.000Z"));
                }
            },
            produce: (stored, giveUp) =>
            {
                var producers = Enumerable.Range(0, peerPartitions).Select(p => peerBroker.OpenProducer("peer-json", p)).ToArray();
                for (var n = 0; n < events && !giveUp.IsCancellationRequested; n++)
                {
                    while (n - stored() > MaxLead / 3 && !giveUp.IsCancellationRequested) Thread.Sleep(20); // 4 partitions of the kcat mock keep less
                    producers[n % peerPartitions].Write(PipelineScenario.JsonEvent(n, "2026-11-27T04:00:00.000Z"));
                }
                foreach (var p in producers) p.Dispose();
            });

        return peer;
    }

    /// <summary>Events <paramref name="from"/>.. at <paramref name="rate"/>/s, in JSON, RFC 5424, CEF and LEEF, each stamped when produced.</summary>
    private void ProduceAtRate(IProducer<byte[]?, byte[]> producer, int from, int count, int rate)
    {
        int[] formats = [0, 1, 3, 4];
        BenchProducer.AtRate(producer, count, rate, (k, now) =>
            BenchProducer.Send(producer, "siem-events", (from + k) % partitions, MixedFormats.Event(from + k, formats[k % formats.Length], now)));
    }

    /// <summary>The live phase's rate unless <c>--live-rate</c> fixes it: half the steady state's, at least 100/s.</summary>
    public static int HalfTheSteadyRate(Phase steady) => Math.Max(100, (int)(steady.EventsPerSecond / 2));
}
