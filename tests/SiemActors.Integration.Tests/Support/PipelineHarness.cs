using System.Text;
using Confluent.Kafka;
using SiemActors.Kafka.Embedded;
using SiemActors.Sinks.Redis;
using StackExchange.Redis;
using SiemActors.Testing;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// One scenario's world: an embedded Kafka cluster with the pipeline's topics, a config file pointing a node at it and
/// at the given Redis and ClickHouse (a database and key prefix of its own), and ways to feed and observe it.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public const string Events = "siem-events";
    public const string DeadLetters = "siem-events-dlq";
    public const string Processed = "siem-processed-events";
    public const int Partitions = 16;

    private readonly string _dir = Directory.CreateTempSubdirectory("siem-it-").FullName;
    private readonly List<NodeProcess> _nodes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _group = "it-" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _redisEndpoint;
    private readonly string _clickHouseUrl;
    private ConnectionMultiplexer? _redis;

    /// <param name="redisEndpoint">The Redis the nodes write to.</param>
    /// <param name="clickHouseUrl">The ClickHouse the nodes write to.</param>
    /// <param name="extraConfig">HOCON over the node's config.</param>
    /// <param name="deadLetterPartitions">Partitions of the dead-letter topic (the embedded broker keeps ~5 MiB each).</param>
    /// <param name="brokers">Brokers of the embedded Kafka cluster.</param>
    public PipelineHarness(string redisEndpoint, string clickHouseUrl, string extraConfig = "", int deadLetterPartitions = 4, int brokers = 1)
    {
        _redisEndpoint = redisEndpoint;
        _clickHouseUrl = clickHouseUrl;
        Kafka = EmbeddedKafkaCluster.Start(brokerCount: brokers, initialRebalanceDelay: TimeSpan.Zero);
        Kafka.CreateTopic(Events, Partitions);
        Kafka.CreateTopic(DeadLetters, deadLetterPartitions);
        DeadLetterPartitions = deadLetterPartitions;
        Kafka.CreateTopic(Processed, 4);
        Database = "it_" + Guid.NewGuid().ToString("N")[..10];
        KeyPrefix = "it" + Guid.NewGuid().ToString("N")[..10];
        ExtraConfig = extraConfig;
    }

    public EmbeddedKafkaCluster Kafka { get; }

    /// <summary>How the harness's own reads reach Redis, when not plainly at the endpoint (TLS, a user).</summary>
    public Func<ConfigurationOptions>? RedisOptions { get; init; }

    public int DeadLetterPartitions { get; }

    public string Database { get; }

    public string KeyPrefix { get; }

    public string ExtraConfig { get; }

    /// <summary>
    /// Where nodes on lab hosts reach the broker, Redis and ClickHouse (relays on the storage host); null: nodes run in
    /// this namespace and use the same addresses as the harness.
    /// </summary>
    public NodeEndpoints? Lab { get; set; }

    /// <summary>The consumer group of the harness's nodes.</summary>
    public string Group => _group;

    /// <summary>Where the nodes' logs are: one file per node started, node-N.log.</summary>
    public string LogFile => _dir;

    /// <summary>The nodes' management token (siem.management.token).</summary>
    public const string ManagementToken = "integration-tests-management-token";

    /// <summary>
    /// Starts a node (a new remoting port each time, as after a crash). Without <paramref name="seed"/> it forms a
    /// cluster of its own; with one it joins the seed's cluster.
    /// </summary>
    /// <param name="seed">A node of the cluster to join; null forms a cluster of its own.</param>
    /// <param name="environment">Extra environment variables (a crash point).</param>
    /// <param name="host">The lab host to run on (<see cref="Lab"/> must be set): the node binds remoting and HTTP to its address.</param>
    /// <param name="seeds">Several nodes of the cluster to join (whichever answers); with <paramref name="seed"/>, in addition to it.</param>
    /// <param name="nodeConfig">HOCON for this node only, over <see cref="ExtraConfig"/>.</param>
    public NodeProcess StartNode(NodeProcess? seed = null, IReadOnlyDictionary<string, string>? environment = null, Network.LabHost? host = null,
        IReadOnlyList<NodeProcess>? seeds = null, string nodeConfig = "")
    {
        var config = Path.Combine(_dir, $"node-{_nodes.Count}.conf");
        // A lab host has ports of its own: fixed ones serve (each new node on it gets the next, as after a crash).
        var http = host is null ? Ports.Free() : 8080 + _nodes.Count;
        var port = host is null ? Ports.Free() : 4053 + _nodes.Count;
        var address = host?.Address ?? "127.0.0.1";
        var endpoints = host is null ? new NodeEndpoints(Kafka.BootstrapServers, _redisEndpoint, _clickHouseUrl)
            : Lab ?? throw new InvalidOperationException("a node on a lab host needs the harness's Lab endpoints");
        var joining = (seed is null ? [] : new[] { seed }).Concat(seeds ?? []).Select(n => $"\"{n.Address}\"").ToList();
        var seedNodes = joining.Count == 0 ? "" : $"siem.node.seed-nodes = [{string.Join(", ", joining)}]";
        File.WriteAllText(config, $$"""
            siem.kafka.bootstrap-servers = "{{endpoints.Bootstrap}}"
            siem.node { hostname = "{{address}}", port = {{port}} }
            {{seedNodes}}
            siem.api.http { host = "{{address}}", port = {{http}} }
            siem.api.auth.secret = "integration-tests-secret-0123456789abcdef"
            siem.management.token = "{{ManagementToken}}"
            siem.metrics.port = 0
            siem.pipeline { group-id = "{{_group}}", batch-interval = 100ms }
            siem.sinks.redis { connection = "{{endpoints.Redis}}", key-prefix = "{{KeyPrefix}}", retry-max-backoff = 1s }
            siem.sinks.clickhouse { url = "{{endpoints.ClickHouse}}", database = {{Database}}, retry-max-backoff = 1s, request-timeout = 10s }
            {{ExtraConfig}}
            {{nodeConfig}}
            """);
        var node = NodeProcess.Start(config, Path.Combine(_dir, $"node-{_nodes.Count}.log"), $"http://{address}:{http}", $"akka.tcp://siem@{address}:{port}", environment, host?.Namespace);
        _nodes.Add(node);
        return node;
    }

    /// <summary>JSON events with unique ids it-{n}, partition n % 16, many hosts and sources.</summary>
    public static byte[] Event(int n) => EventWithTime(n, $"\"2026-11-27T04:{n / 60 % 60:D2}:{n % 60:D2}Z\"");

    /// <summary>Event <paramref name="n"/> with its time given (Unix ms), e.g. the moment it is produced.</summary>
    public static byte[] Event(int n, long timestampMs) => EventWithTime(n, timestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Event <paramref name="n"/> with <paramref name="timestamp"/> as its JSON time value.</summary>
    private static byte[] EventWithTime(int n, string timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"id":"it-{{n}}","timestamp":{{timestamp}},"host":"host-{{n % 37}}","source_type":"{{(n % 3 == 0 ? "firewall" : n % 3 == 1 ? "sshd" : "nginx")}}","severity":"{{n % 8}}","message":"event {{n}}","src_ip":"10.0.{{n % 250}}.{{n % 200 + 1}}"}""");

    /// <summary>Produces events first..first+count-1 at about <paramref name="perSecond"/>, in slices of 100 ms.</summary>
    public Task ProduceAsync(int first, int count, int perSecond, CancellationToken ct = default) => ProduceAsync(first, count, perSecond, Event, ct);

    /// <summary>Produces <paramref name="make"/>(n) for n in first..first+count-1 to partition n % 16, at about <paramref name="perSecond"/>.</summary>
    public async Task ProduceAsync(int first, int count, int perSecond, Func<int, byte[]> make, CancellationToken ct = default)
    {
        using var producer = Producer();
        var slice = Math.Max(1, perSecond / 10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var sent = 0; sent < count; sent += slice)
        {
            var pending = new List<Task>(slice);
            for (var n = first + sent; n < first + Math.Min(count, sent + slice); n++)
                pending.Add(producer.ProduceAsync(new TopicPartition(Events, n % Partitions), new Message<byte[]?, byte[]?> { Value = make(n) }, ct));
            await Task.WhenAll(pending);
            var due = TimeSpan.FromSeconds((double)(sent + slice) / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
        }
    }

    /// <summary>
    /// Produces <paramref name="make"/>(n) for n = 0, 1, … to partition n % 16 at about <paramref name="perSecond"/>
    /// until <paramref name="stop"/> or <paramref name="max"/> records; returns how many were produced (every one acknowledged).
    /// </summary>
    public async Task<int> ProduceUntilAsync(int perSecond, Func<int, byte[]> make, CancellationToken stop, int max = int.MaxValue)
    {
        using var producer = Producer();
        var slice = Math.Max(1, perSecond / 10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sent = 0;
        while (!stop.IsCancellationRequested && sent < max)
        {
            slice = Math.Min(slice, max - sent);
            var pending = new List<Task>(slice);
            for (var n = sent; n < sent + slice; n++)
                pending.Add(producer.ProduceAsync(new TopicPartition(Events, n % Partitions), new Message<byte[]?, byte[]?> { Value = make(n) }));
            await Task.WhenAll(pending);
            sent += slice;
            var due = TimeSpan.FromSeconds((double)sent / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        return sent;
    }

    /// <summary>Waits until every partition's committed offset reached <paramref name="ends"/>; returns how long it took.</summary>
    public async Task<TimeSpan> UntilCommitted(long[] ends, TimeSpan within)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var committed = Committed();
            if (committed.Zip(ends).All(x => x.First >= x.Second)) return clock.Elapsed;
            if (clock.Elapsed > within)
                throw new TimeoutException($"after {within}: committed {committed.Sum()}/{ends.Sum()}. Node log: {LogFile}\n{Tail()}");
            await Task.Delay(250);
        }
    }

    /// <summary>Produces the values to one partition all at once (in order: one idempotent producer), waiting for every acknowledgement.</summary>
    public async Task ProduceBulkAsync(int partition, IEnumerable<byte[]> values)
    {
        using var producer = Producer();
        await Task.WhenAll(values.Select(v => producer.ProduceAsync(new TopicPartition(Events, partition), new Message<byte[]?, byte[]?> { Value = v })));
    }

    public async Task ProduceRawAsync(int partition, params byte[][] values)
    {
        using var producer = Producer();
        foreach (var value in values)
            await producer.ProduceAsync(new TopicPartition(Events, partition), new Message<byte[]?, byte[]?> { Value = value });
    }

    /// <summary>A producer that takes records up to 8 MiB (librdkafka's own limit is 1,000,000 bytes), for oversized inputs.</summary>
    private IProducer<byte[]?, byte[]?> Producer() => new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
    {
        BootstrapServers = Kafka.BootstrapServers, EnableIdempotence = true, LingerMs = 5, MessageMaxBytes = 8 * 1024 * 1024,
    }).Build();

    /// <summary>Rows and distinct event ids through the documented read path (FINAL); (-1, -1) while unreachable.</summary>
    public async Task<(long Rows, long Distinct)> ClickHouseCounts()
    {
        try
        {
            var text = await Query($"SELECT count(), uniqExact(event_id) FROM {Database}.siem_events FINAL FORMAT TabSeparated");
            var f = text.Trim().Split('\t');
            return (long.Parse(f[0]), long.Parse(f[1]));
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return (-1, -1);
        }
    }

    /// <summary>Rows in the event store before merges (cheap: no FINAL); waits out a ClickHouse that is restarting or slow.</summary>
    public Task<long> ClickHouseRawRows(TimeSpan within) => Eventually.Value(async () =>
    {
        try
        {
            return long.Parse((await Query($"SELECT count() FROM {Database}.siem_events FORMAT TabSeparated")).Trim());
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return -1L;
        }
    }, rows => rows >= 0, within, _ => "ClickHouse did not answer count()", TimeSpan.FromMilliseconds(500));

    public async Task<string> Query(string sql)
    {
        using var response = await _http.PostAsync(_clickHouseUrl + "/", new StringContent(sql));
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException(body);
    }

    /// <summary>Alerts of a rule: (key, count, last event time) per alert id through FINAL, and the Redis stream's entries.</summary>
    public async Task<(List<(string Key, long Count, long LastEventTime)> Stored, long StreamEntries)> Alerts(string rule)
    {
        var text = await Query($"SELECT key, count, last_event_ms FROM {Database}.alerts FINAL WHERE rule = '{rule}' ORDER BY key FORMAT TabSeparated");
        var stored = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t'))
            .Select(f => (f[0], long.Parse(f[1]), long.Parse(f[2]))).ToList();
        _redis ??= await ConnectionMultiplexer.ConnectAsync(RedisOptions?.Invoke() ?? ConfigurationOptions.Parse($"{_redisEndpoint},allowAdmin=true"));
        var entries = await _redis.GetDatabase().StreamRangeAsync($"{KeyPrefix}:alerts");
        var ofRule = entries.Count(e => ((string?)e["alert"] ?? "").Contains($"\"rule\":\"{rule}\"", StringComparison.Ordinal));
        return (stored, ofRule);
    }

    /// <summary>
    /// The events in the Redis streams (every stream listed in <c>&lt;prefix&gt;:streams</c>, read whole): distinct event
    /// ids (fewer than produced: lost) and events (more than the distinct ids: duplicated).
    /// </summary>
    public async Task<(long Ids, long Events)> RedisCounts()
    {
        _redis ??= await ConnectionMultiplexer.ConnectAsync(RedisOptions?.Invoke() ?? ConfigurationOptions.Parse($"{_redisEndpoint},allowAdmin=true"));
        // A cluster's masters change in a failover: read the roles again before reading.
        if (_redis.GetServers().Any(s => s.ServerType == ServerType.Cluster)) await _redis.ConfigureAsync();
        var db = _redis.GetDatabase();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long events = 0;
        foreach (var stream in await db.SetMembersAsync($"{KeyPrefix}:streams"))
        {
            RedisValue from = "-";
            while (true)
            {
                var page = await db.StreamRangeAsync((string)stream!, from, "+", 500);
                foreach (var json in page.SelectMany(e => StreamEvents.Of(e)))
                {
                    events++;
                    ids.Add(EventIdOf((string)json!));
                }
                if (page.Length < 500) break;
                from = "(" + page[^1].Id;
            }
        }
        return (ids.Count, events);
    }

    /// <summary>The <c>event_id</c> of an event's JSON as the Redis sink writes it.</summary>
    public static string EventIdOf(string json)
    {
        var start = json.IndexOf("\"event_id\":\"", StringComparison.Ordinal) + 12;
        return json[start..json.IndexOf('"', start)];
    }

    public long[] Committed(string topic = Events, int partitions = Partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = _group }).Build();
        return consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10))
            .OrderBy(t => t.Partition.Value).Select(t => Math.Max(t.Offset.Value, 0)).ToArray();
    }

    /// <summary>The partition's log start and end (what retention has left of it).</summary>
    public (long Low, long High) Watermarks(int partition, string topic = Events)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10));
        return (w.Low.Value, w.High.Value);
    }

    public long[] EndOffsets(string topic = Events, int partitions = Partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "watermarks" }).Build();
        return Enumerable.Range(0, partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
    }

    /// <summary>Every record of the dead-letter topic, with its headers.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> DeadLettered(int expected, TimeSpan within) => ReadTopic(DeadLetters, expected, within);

    /// <summary>Records of a 4-partition topic from the beginning, until <paramref name="expected"/> or the deadline.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadTopic(string topic, int expected, TimeSpan within)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers, GroupId = "dlq-reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + within;
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } r) records.Add(r);
        }
        return records;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; past <paramref name="within"/> fails with <paramref name="what"/> and the nodes' last log lines.</summary>
    public Task Until(Func<Task<bool>> condition, string what, TimeSpan within) =>
        Eventually.True(condition, within, () => $"{what}\n{Tail()}", TimeSpan.FromMilliseconds(100));

    /// <summary>Waits until every produced record is committed and ClickHouse shows <paramref name="expected"/> events.</summary>
    public async Task UntilAllStored(long expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var committed = Committed();
            var end = EndOffsets();
            var (rows, _) = await ClickHouseCounts();
            if (committed.SequenceEqual(end) && rows == expected) return;
            if (_nodes.Count > 0 && _nodes.All(n => n.HasExited))
                throw new InvalidOperationException($"every node has exited; ClickHouse has {rows}/{expected}. Node log: {LogFile}\n{Tail()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"after {within}: ClickHouse has {rows}/{expected}; committed {committed.Sum()}/{end.Sum()}. Node log: {LogFile}\n{Tail()}");
            await Task.Delay(250);
        }
    }

    /// <summary>The last lines of every node's log, each under its file name.</summary>
    public string Tail(int lines = 40)
    {
        var tails = new System.Text.StringBuilder();
        foreach (var file in Directory.GetFiles(_dir, "node-*.log").Order(StringComparer.Ordinal))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var all = new StreamReader(stream).ReadToEnd().Split('\n');
                tails.Append("== ").AppendLine(Path.GetFileName(file)).AppendJoin('\n', all.TakeLast(lines)).AppendLine();
            }
            catch (IOException)
            {
            }
        }
        return tails.Length == 0 ? "(no log)" : tails.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        _redis?.Dispose();
        _http.Dispose();
        Kafka.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>Where a node reaches the broker, Redis and ClickHouse.</summary>
public sealed record NodeEndpoints(string Bootstrap, string Redis, string ClickHouse);
