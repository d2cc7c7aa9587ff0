using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SiemActors.Bench.Scenarios;

// siem-bench: SiemActors' benchmark harness. One entry point; scenarios by name.
//   siem-bench run [--events 1200000] [--partitions 32] [--live-seconds 30] [--live-rate N] [--hub-clients 50] [--hub-seconds 30]
//                  [--node-config HOCON] [--label NAME] [--no-docs] [--no-peer] [--no-bounds] [--no-baseline]
//     THE benchmark (docs/benchmarks.md): throughput, steady state, live latency, hub latency (--hub-clients 0: none),
//     node CPU/RSS/allocations, Redis's CPU and commands per event, and in the
//     same run the bounds (raw consume, raw ClickHouse insert, raw Redis) and the ClickHouse Kafka-engine peer; writes
//     bench/results/<date>-<commit>.json and regenerates the table and chart in docs/benchmarks.md.
//   siem-bench run-docs <results.json>   (the table in docs/benchmarks.md again from a run's results file)
//   siem-bench archive [--days 3] [--rows-per-day 1000000] [--target s3://siem-archive/bench] [--s3-endpoint http://127.0.0.1:4568]
//     the archive's export (docs/archive.md): generated days exported by DayArchiver, rows/s, MiB/s, Parquet bytes per
//     event against ClickHouse's (needs ClickHouse and s3rver: scripts/services.sh start; scripts/services.sh start s3)
//   siem-bench kafka-consume [--messages 200000] [--partitions 16] [--rounds 3]
//   siem-bench pipeline [--events 200000] [--partitions 16] [--redis 127.0.0.1:6379] [--clickhouse http://127.0.0.1:8123]
//                       [--node-config "HOCON over the node's config"] [--label NAME]
//     (needs Redis and ClickHouse running: scripts/services.sh start)
//   siem-bench fuzz [--records 2000000] [--seed N] [--node-config HOCON] [--label NAME]
//     hostile records of every format with marker events into one node (docs/reliability.md): the node never stops, every
//     record ends stored or dead-lettered, every marker is stored once, no partition stalls; exit code 1 if not.
//   siem-bench parsers [BenchmarkDotNet options]   (parse + normalize per format; run from a Release build)
//   siem-bench detection [BenchmarkDotNet options] (detection's cost per event, starter rules and 50 rules)
//   siem-bench encoding [BenchmarkDotNet options]  (the sinks' event JSON and ClickHouse RowBinary rows, 5,000 mixed events)
//   siem-bench hub [--url http://127.0.0.1:8080] [--connections 200] [--minutes 5] [--secret-file .siem/jwt.secret]
//     (against a running node: scripts/run.sh; delivery latency and the node's memory under many hub connections)
// Results go to bench/results/<date>-<commit>-<scenario>.json and a Markdown table on stdout for docs/benchmarks.md.

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: siem-bench run [--events N] [--partitions N] [--live-seconds N] [--live-rate N] [--hub-clients N] [--hub-seconds N] [--node-config HOCON] [--label NAME] [--results DIR] [--no-docs] [--no-peer] [--no-bounds] [--no-baseline]");
    Console.WriteLine("       siem-bench kafka-consume [--messages N] [--partitions N] [--rounds N] [--results DIR]");
    Console.WriteLine("       siem-bench stores [--events N] [--partitions N] [--redis HOST:PORT] [--redis-cluster SEEDS] [--clickhouse URL] [--clickhouse-cluster \"R1,R2;R3,R4\"] [--results DIR]");
    Console.WriteLine("       siem-bench archive [--days N] [--rows-per-day N] [--clickhouse URL] [--target s3://bucket/prefix|file:///dir] [--s3-endpoint URL] [--archive-config HOCON] [--results DIR]");
    Console.WriteLine("       siem-bench fuzz [--records N] [--seed N] [--node-config HOCON] [--label NAME] [--results DIR]");
    Console.WriteLine("       siem-bench parsers [--job short]");
    Console.WriteLine("       siem-bench detection [--job short]");
    Console.WriteLine("       siem-bench encoding [--job short]");
    Console.WriteLine("       siem-bench pipeline [--events N] [--partitions N] [--formats json|mixed] [--rate N] [--redis HOST:PORT] [--clickhouse URL] [--node-config HOCON] [--label NAME] [--results DIR]");
    Console.WriteLine("       siem-bench hub [--url URL] [--connections N] [--minutes N] [--secret-file FILE] [--label NAME] [--results DIR]");
    return args.Length == 0 ? 2 : 0;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}

string? Text(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

switch (args[0])
{
    case "peer":
    {
        using var http = new HttpClient { BaseAddress = new Uri(Text("--clickhouse") ?? "http://127.0.0.1:8123") };
        var database = "bench_peer_" + Guid.NewGuid().ToString("N")[..8];
        await http.PostAsync("/", new StringContent($"CREATE DATABASE {database}"));
        try
        {
            var peer = await RunScenario.RunPeerAsync(http, database, Option("--events", 100_000));
            Console.WriteLine(peer.Failure ?? $"peer: {peer.Events:N0} events in {peer.Seconds:N1} s = {peer.PerSecond:N0}/s, ClickHouse CPU {peer.CpuMicrosPerEvent:N1} µs/event");
        }
        finally
        {
            await http.PostAsync("/", new StringContent($"DROP DATABASE IF EXISTS {database}"));
        }
        return 0;
    }
    case "run-docs":
    {
        // siem-bench run-docs <results.json>: the table in docs/benchmarks.md regenerated from a run's results file.
        var file = args.Length > 1 ? Path.GetFullPath(args[1]) : throw new ArgumentException("usage: siem-bench run-docs <results.json>");
        var options = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var root = RepoRoot();
        var run = json.RootElement;
        var report = run.GetProperty("report").Deserialize<RunReport>(options)!;
        var table = RunDocs.Table(report, run.GetProperty("commit").GetString()!, run.GetProperty("date").GetDateTime().ToString("yyyy-MM-dd"),
            run.GetProperty("machine").GetString()!, Path.GetRelativePath(root, file), "images/benchmark-run.png");
        RunDocs.Update(Path.Combine(root, "docs", "benchmarks.md"), table);
        Console.WriteLine(table);
        return 0;
    }
    case "baseline":
    {
        // The plain baseline consumer as its own process (siem-bench run starts it): one JSON line with its result.
        using var http = new HttpClient { BaseAddress = new Uri(Text("--clickhouse") ?? "http://127.0.0.1:8123"), Timeout = TimeSpan.FromMinutes(5) };
        var result = await PlainPeer.RunAsync(Text("--bootstrap") ?? throw new ArgumentException("--bootstrap"), Text("--topic") ?? "siem-events",
            Option("--events", 1_200_000), http, Text("--database") ?? throw new ArgumentException("--database"), Text("--redis") ?? "127.0.0.1:6379");
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
    case "run":
    {
        var r = await new RunScenario(Option("--events", 1_200_000), Option("--partitions", 32), Text("--redis") ?? "127.0.0.1:6379",
            Text("--clickhouse") ?? "http://127.0.0.1:8123", Text("--node-config") ?? "", Option("--live-seconds", 30), !args.Contains("--no-peer"),
            !args.Contains("--no-bounds"), args.Contains("--live-rate") ? Option("--live-rate", 0) : null, Option("--hub-clients", 50),
            Option("--hub-seconds", 30), !args.Contains("--no-baseline")).RunAsync();
        var root = RepoRoot();
        var dir = Text("--results") ?? Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(dir);
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var name = $"{date}-{Commit()}{(Text("--label") is { } rl ? "-" + rl : "")}";
        var file = Path.Combine(dir, name + ".json");
        var machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { scenario = "run", date = DateTime.UtcNow, commit = Commit(), machine,
            nodeConfig = Text("--node-config") ?? "", report = r },
            new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        var noDocs = args.Contains("--no-docs");
        // With --no-docs the chart goes beside the results: the one in docs/ belongs to the table there.
        var chart = noDocs ? Path.Combine(dir, name + ".png") : Path.Combine(root, "docs", "images", "benchmark-run.png");
        RunChart.Save(r, chart, $"siem-bench run, {date}, {Commit()}: {r.Events:N0} mixed events, {r.Partitions} partitions, one node");
        var table = RunDocs.Table(r, Commit(), date, machine, Path.GetRelativePath(root, file), "images/benchmark-run.png");
        Console.WriteLine();
        Console.WriteLine(table);
        if (!noDocs) RunDocs.Update(Path.Combine(root, "docs", "benchmarks.md"), table);
        Console.WriteLine($"results: {file}; chart: {chart}");
        return 0;
    }
    case "archive":
    {
        // siem-bench archive [--days 3] [--rows-per-day 1000000] [--clickhouse URL] [--target s3://siem-archive/bench] [--s3-endpoint URL] [--results DIR]
        // (needs ClickHouse and, for s3://, an S3-compatible store: scripts/services.sh start; scripts/services.sh start s3)
        var target = Text("--target") ?? "s3://siem-archive/bench";
        if (target.StartsWith("s3://", StringComparison.Ordinal) && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null)
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER"); // s3rver's fixed credentials, when none are given
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        }
        var archived = await new ArchiveScenario(Option("--days", 3), Option("--rows-per-day", 1_000_000), Text("--clickhouse") ?? "http://127.0.0.1:8123",
            target, Text("--s3-endpoint") ?? "http://127.0.0.1:4568", Text("--archive-config") ?? "").RunAsync();
        Console.WriteLine();
        Console.WriteLine(ArchiveScenario.Table(archived));
        var dir = Text("--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{DateTime.UtcNow:yyyy-MM-dd-HHmmss}-{Commit()}-archive.json");
        await File.WriteAllTextAsync(file, System.Text.Json.JsonSerializer.Serialize(new
        {
            date = DateTime.UtcNow, commit = Commit(), machine = Environment.ProcessorCount + " cores", target, archive_config = Text("--archive-config") ?? "",
            results = archived.Select(r => new { r.Day, r.Rows, r.Seconds, r.ParquetBytes, r.ClickHouseCompressedBytes, r.Parts, r.RowsPerSecond, r.MiBPerSecond, r.ParquetBytesPerEvent, r.ClickHouseBytesPerEvent }),
        }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {file}");
        return 0;
    }
    case "stores":
    {
        // siem-bench stores [--events 200000] [--partitions 16] [--redis 127.0.0.1:6379] [--redis-cluster 127.0.0.1:7000,...]
        //                   [--clickhouse URL] [--clickhouse-cluster "r1,r2;r3,r4"] [--results DIR]
        var stores = await new StoresScenario(Option("--events", 200_000), Option("--partitions", 16)).RunAsync(Text("--redis") ?? "127.0.0.1:6379",
            Text("--redis-cluster"), Text("--clickhouse") ?? "http://127.0.0.1:8123", Text("--clickhouse-cluster"));
        Console.WriteLine();
        Console.WriteLine(StoresScenario.Table(stores));
        var dir = Text("--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{DateTime.UtcNow:yyyy-MM-dd}-{Commit()}-stores.json");
        await File.WriteAllTextAsync(file, System.Text.Json.JsonSerializer.Serialize(new
        {
            date = DateTime.UtcNow, commit = Commit(), machine = Environment.ProcessorCount + " cores",
            events = Option("--events", 200_000), partitions = Option("--partitions", 16),
            results = stores.Select(r => new { r.Store, r.Target, r.Servers, r.Events, r.Seconds, r.PerSecond, r.PerServer, r.CpuMicrosPerEvent, r.PrimaryCpuMicrosPerEvent, r.PerServerAtOneCore }),
        }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {file}");
        return 0;
    }
    case "kafka-consume":
    {
        var messages = Option("--messages", 200_000);
        var partitions = Option("--partitions", 16);
        var rounds = Option("--rounds", 3);
        var results = await new KafkaConsumeScenario(messages, partitions, rounds).RunAsync();
        var plain = Median(results.Where(r => r.Name.StartsWith("plain")));
        var stages = Median(results.Where(r => r.Name.StartsWith("stages")));
        var cost = 1 - stages.PerSecond / plain.PerSecond;

        Console.WriteLine();
        Console.WriteLine("| consumer | msg/s (median of " + rounds + ") | CPU µs/msg (process) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| plain Confluent.Kafka loop, commit every 5,000 | {plain.PerSecond:N0} | {plain.CpuMicrosPerMessage:N2} |");
        Console.WriteLine($"| CommittableSource → Committer.Sink | {stages.PerSecond:N0} | {stages.CpuMicrosPerMessage:N2} |");
        Console.WriteLine($"stages cost {cost:P1} of the plain loop's throughput");

        var dir = Text("--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{DateTime.UtcNow:yyyy-MM-dd}-{Commit()}-kafka-consume.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            scenario = "kafka-consume",
            date = DateTime.UtcNow,
            commit = Commit(),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            messages,
            partitions,
            messageBytes = 312,
            runs = results.Select(r => new { r.Name, r.Messages, elapsedSeconds = r.Elapsed.TotalSeconds, r.PerSecond, r.CpuMicrosPerMessage }),
            medianPlainPerSecond = plain.PerSecond,
            medianStagesPerSecond = stages.PerSecond,
            stagesCost = cost,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {file}");
        return 0;
    }
    case "fuzz":
    {
        var records = Option("--records", 2_000_000);
        var seed = args.Contains("--seed") ? Option("--seed", 0) : Random.Shared.Next();
        var report = await new FuzzScenario(records, seed, Text("--redis") ?? "127.0.0.1:6379", Text("--clickhouse") ?? "http://127.0.0.1:8123",
            Text("--node-config") ?? "").RunAsync();
        Console.WriteLine();
        Console.WriteLine(report.Summary());
        var dir = Text("--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{DateTime.UtcNow:yyyy-MM-dd}-{Commit()}-fuzz{(Text("--label") is { } fl ? "-" + fl : "")}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            scenario = "fuzz", date = DateTime.UtcNow, commit = Commit(),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            seed, records = report.Records, markers = report.Markers, stored = report.Stored, deadLettered = report.DeadLettered,
            deadLetteredByReason = report.DeadLetteredByReason, producedByKind = report.ProducedByKind.ToDictionary(k => k.Key.ToString(), k => k.Value),
            rawDuplicateRows = report.RawDuplicateRows, collapsedWithTwin = report.CollapsedWithTwin, longestStallSeconds = report.LongestStallSeconds,
            seconds = report.Duration.TotalSeconds, nodeStopped = report.Failures.Contains("the node stopped"), passed = report.Passed,
            failures = report.Failures.Take(100),
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {file}");
        return report.Passed ? 0 : 1;
    }
    case "parsers":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<ParserBenchmarks>(args: args[1..]);
        return 0;
    case "detection":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<DetectionBenchmarks>(args: args[1..]);
        return 0;
    case "encoding":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<EncodingBenchmarks>(args: args[1..]);
        return 0;
    case "pipeline":
    {
        var events = Option("--events", 200_000);
        var partitions = Option("--partitions", 16);
        var nodeConfig = Text("--node-config") ?? "";
        var mixed = Text("--formats") == "mixed";
        var r = await new PipelineScenario(events, partitions, Text("--redis") ?? "127.0.0.1:6379",
            Text("--clickhouse") ?? "http://127.0.0.1:8123", nodeConfig, mixed, Option("--rate", 0)).RunAsync();
        Console.WriteLine();
        var rateMode = Option("--rate", 0) > 0;
        Console.WriteLine($"| events | formats | partitions | events/s ({(rateMode ? "first produced" : "first stored")} → all committed) | node CPU µs/event | allocated per event | {(rateMode ? "produced" : "read")} → stored p50 / p95 / p99 (bucket bounds) | node peak RSS | node start → {(rateMode ? "consuming" : "first stored")} |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---|---:|---:|");
        Console.WriteLine($"| {r.Events:N0} | {(mixed ? "mixed" : "json")} | {partitions} | {r.PerSecond:N0} | {r.CpuMicrosPerEvent:N1} | {r.AllocatedBytesPerEvent / 1024:N1} KiB | " +
                          $"≤{r.IngestToStoredP50:0.###} s / ≤{r.IngestToStoredP95:0.###} s / ≤{r.IngestToStoredP99:0.###} s | {r.PeakRssBytes / 1048576.0:N0} MiB | {r.Startup.TotalSeconds:N1} s |");
        var dir = Text("--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{DateTime.UtcNow:yyyy-MM-dd}-{Commit()}-pipeline{(Text("--label") is { } pl ? "-" + pl : "")}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            scenario = "pipeline", date = DateTime.UtcNow, commit = Commit(),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            events, partitions, elapsedSeconds = r.Elapsed.TotalSeconds, eventsPerSecond = r.PerSecond,
            nodeCpuSeconds = r.NodeCpu.TotalSeconds, nodeCpuSecondsPerMillion = r.CpuSecondsPerMillion,
            nodeCpuMicrosPerEvent = r.CpuMicrosPerEvent, nodePeakRssBytes = r.PeakRssBytes, startupSeconds = r.Startup.TotalSeconds, nodeConfig,
            formats = mixed ? "mixed" : "json", rate = Option("--rate", 0), latencyFrom = rateMode ? "produced" : "read", allocatedBytesPerEvent = r.AllocatedBytesPerEvent,
            readToStoredSecondsP50 = r.IngestToStoredP50, readToStoredSecondsP95 = r.IngestToStoredP95, readToStoredSecondsP99 = r.IngestToStoredP99,
        }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Console.WriteLine($"results: {file}");
        return 0;
    }
    case "hub":
    {
        var url = Text("--url") ?? "http://127.0.0.1:8080";
        var connections = Option("--connections", 200);
        var minutes = Option("--minutes", 5);
        var auth = SiemActors.Api.ApiSettings.Create(Akka.Configuration.ConfigurationFactory.ParseString(
            $"siem.api.auth.secret-file = \"{Text("--secret-file") ?? Path.Combine(RepoRoot(), ".siem", "jwt.secret")}\"")).Auth;
        var token = SiemActors.Auth.AnalystTokens.Issue(auth, "siem-bench", TimeSpan.FromMinutes(minutes + 10));
        var pid = NodeStats.FindByCommandLine("SiemActors.Node.dll")
            ?? throw new InvalidOperationException("no SiemActors.Node process: start one with scripts/run.sh");
        var r = await new HubLoadScenario(url, token, connections, TimeSpan.FromMinutes(minutes), pid).RunAsync();
        Console.WriteLine();
        Console.WriteLine("| connections | minutes | events received | per second | dropped | skipped (bridge behind) | latency p50 | p95 | p99 | max | node RSS start → max → end |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine($"| {r.Connections} | {r.Duration.TotalMinutes:N1} | {r.Received:N0} | {r.Received / r.Duration.TotalSeconds:N0} | {r.Dropped:N0} | {r.Skipped:N0} | " +
            $"{r.P50Ms:N0} ms | {r.P95Ms:N0} ms | {r.P99Ms:N0} ms | {r.MaxMs:N0} ms | {r.RssStartBytes / 1048576.0:N0} → {r.RssMaxBytes / 1048576.0:N0} → {r.RssEndBytes / 1048576.0:N0} MiB |");
        var dir = Text("--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var label = Text("--label") is { } l ? "-" + l : "";
        var file = Path.Combine(dir, $"{DateTime.UtcNow:yyyy-MM-dd}-{Commit()}-hub{label}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            scenario = "hub", date = DateTime.UtcNow, commit = Commit(),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            url, connections, filters = HubLoadScenario.Filters, seconds = r.Duration.TotalSeconds, received = r.Received, dropped = r.Dropped, skipped = r.Skipped,
            latencyMs = new { p50 = r.P50Ms, p95 = r.P95Ms, p99 = r.P99Ms, max = r.MaxMs },
            nodeRssBytes = new { start = r.RssStartBytes, max = r.RssMaxBytes, end = r.RssEndBytes, samples = r.RssSamples.Select(s => new { minute = s.Minute, bytes = s.RssBytes }) },
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results: {file}");
        return 0;
    }
    default:
        Console.Error.WriteLine($"siem-bench: unknown scenario '{args[0]}'");
        return 2;
}

static RunResult Median(IEnumerable<RunResult> runs)
{
    var sorted = runs.OrderBy(r => r.PerSecond).ToList();
    return sorted[sorted.Count / 2];
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SiemActors.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static string Commit()
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true });
        var sha = git!.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return git.ExitCode == 0 && sha.Length > 0 ? sha : "unknown";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}
