using System.Diagnostics;
using StackExchange.Redis;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// One node with every role, started as its own process on a config of its own: the embedded broker's address, a
/// fresh consumer group, a ClickHouse database and Redis key prefix of its own (both removed when it stops), the API and
/// <c>/metrics</c> on a free port. Its output goes to <c>node.log</c> in a temporary directory.
/// </summary>
internal sealed class BenchNode : IAsyncDisposable
{
    private readonly HttpClient _http;

    /// <summary>The harness's HTTP client (ClickHouse's base address; absolute URLs for the node).</summary>
    public HttpClient Http => _http;
    private readonly StreamWriter _log;

    private readonly string _redis;

    private BenchNode(Process process, HttpClient http, StreamWriter log, string dir, string database, int httpPort, string redis)
    {
        _redis = redis;
        Process = process;
        _http = http;
        _log = log;
        Directory = dir;
        Database = database;
        HttpPort = httpPort;
    }

    /// <summary>
    /// The TTL of the events a bench run writes to Redis (the node's and the raw bound's). A run removes its keys when it
    /// stops (<see cref="BenchRedis"/>); the TTL is short for a run killed before that — with the node's default hour, a
    /// morning of runs filled 9 GiB and cut the raw Redis rate by a third.
    /// </summary>
    public static readonly TimeSpan EventTtl = TimeSpan.FromMinutes(10);

    /// <summary>The bench node's JWT secret (analysts' tokens for the hub-latency phase).</summary>
    public const string AuthSecret = "bench-secret-0123456789abcdefghijklmnop";

    public Process Process { get; }

    public string Directory { get; }

    /// <summary>The node's ClickHouse database, Redis key prefix and (with "bench-") consumer group.</summary>
    public string Database { get; }

    public string Group => "bench-" + Database;

    public int HttpPort { get; }

    public string MetricsUrl => $"http://127.0.0.1:{HttpPort}/metrics";

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public static async Task<BenchNode> StartAsync(HttpClient http, string bootstrap, string redis, string clickHouse, string nodeConfig)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("siem-bench-").FullName;
        var database = "bench_" + Guid.NewGuid().ToString("N")[..8];
        var httpPort = FreePort();
        var config = Path.Combine(dir, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            siem.kafka.bootstrap-servers = "{{bootstrap}}"
            siem.node.port = 4099
            siem.pipeline.group-id = "bench-{{database}}"
            siem.sinks.redis { connection = "{{redis}}", key-prefix = "{{database}}", event-ttl = {{(int)EventTtl.TotalSeconds}}s }
            siem.sinks.clickhouse { url = "{{clickHouse}}", database = {{database}} }
            siem.api { http.port = {{httpPort}}, auth.secret = "{{AuthSecret}}" }
            siem.management.token = "bench-management-token"
            siem.metrics.port = 0
            # The in-process mock broker behaves as if it answers a fetch that finds no new data only after the whole
            # fetch wait, even when records arrive meanwhile (a real broker answers as soon as fetch.min.bytes have
            # arrived): with librdkafka's 500 ms that alone added ~0.3 s to the live latency. 50 ms bounds it.
            akka.kafka.consumer.kafka-clients.fetch.wait.max.ms = 50
            {{nodeConfig}}
            """);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SiemActors.Node.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        var log = new StreamWriter(Path.Combine(dir, "node.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchNode(process, http, log, dir, database, httpPort, redis);
    }

    /// <summary>Throws if the node exited or <paramref name="limit"/> has passed since <paramref name="started"/>.</summary>
    public void Check(Stopwatch started, TimeSpan limit)
    {
        if (Process.HasExited) throw new InvalidOperationException($"the node exited with {Process.ExitCode} (log: {Directory}/node.log)");
        if (started.Elapsed > limit) throw new TimeoutException($"the node did not finish within {limit} (log: {Directory}/node.log)");
    }

    /// <summary>The node consumes: running, and every partition of the events topic assigned to it.</summary>
    public async Task<bool> AssignedAsync(int partitions)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{HttpPort}/management/pipeline");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench-management-token");
        try
        {
            using var response = await _http.SendAsync(request);
            if (!response.IsSuccessStatusCode) return false;
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("running").GetBoolean() && body.RootElement.GetProperty("assigned_partitions").GetInt32() == partitions;
        }
        catch (HttpRequestException)
        {
            return false; // still starting
        }
    }

    /// <summary>Events in the node's ClickHouse table, read through FINAL (each once).</summary>
    public async Task<long> StoredAsync()
    {
        using var response = await _http.PostAsync("/", new StringContent($"SELECT count() FROM {Database}.siem_events FINAL"));
        return response.IsSuccessStatusCode && long.TryParse((await response.Content.ReadAsStringAsync()).Trim(), out var n) ? n : 0;
    }

    /// <summary>Stops the node (SIGTERM: it drains and commits) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (Process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", Process.Id.ToString()])) await term.WaitForExitAsync();
        await Process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _http.PostAsync("/", new StringContent($"DROP DATABASE IF EXISTS {Database}"));
        try
        {
            Console.WriteLine($"redis: removed the run's {await BenchRedis.DeletePrefixAsync(_redis, Database):N0} keys ({Database}:*)");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Console.WriteLine($"redis: could not remove the run's keys ({Database}:*; they expire in {EventTtl}): {ex.Message}");
        }
        Console.WriteLine($"node log: {Path.Combine(Directory, "node.log")}");
        Process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
