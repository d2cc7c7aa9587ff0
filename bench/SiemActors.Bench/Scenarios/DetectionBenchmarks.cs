using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;
using SiemActors.Domain.Events;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// Detection's cost per event, one core, on the demo generator's mix (firewall, sshd with a few noisy addresses, web,
/// Windows logons, DNS) at 5,000 events/s of event time: <see cref="Extract"/> tests every rule's filter against every
/// event and builds the per-key facts (the ingest node's share); <see cref="Apply"/> applies those facts to the keys'
/// windows as the entities do (the transform node's share, without the journal write). Ten batches of 5,000 events.
/// Rules: the starter set (hocon/detections.conf) or 50 (the starter set and 44 more of every type).
/// </summary>
[MemoryDiagnoser]
public class DetectionBenchmarks
{
    private const int Batches = 10, BatchSize = 5_000, Events = Batches * BatchSize;
    private List<SecurityEvent> _events = [];
    private DetectionSettings _settings = null!;
    private FactExtractor _extractor = null!;
    private Dictionary<string, DetectionRule> _rules = [];
    private List<IReadOnlyList<DetectFacts>> _facts = [];
    private Dictionary<string, DetectionState> _states = [];

    [Params("starter", "50")]
    public string Rules { get; set; } = "starter";

    [GlobalSetup]
    public void Setup()
    {
        var starter = DetectionSettings.Create(ConfigurationFactory.ParseString(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "detections.conf"))));
        var more = DetectionSettings.Create(ConfigurationFactory.ParseString($"siem.detection.rules = [ {string.Join("\n", MoreRules(44))} ]"));
        _settings = Rules == "starter" ? starter : starter with { Rules = [.. starter.Rules, .. more.Rules] };
        if (Rules != "starter" && _settings.Rules.Count != 50) throw new InvalidOperationException($"{_settings.Rules.Count} rules, not 50");
        _rules = _settings.Rules.ToDictionary(r => r.Name);
        _extractor = new FactExtractor(_settings.Rules);
        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        _events = Enumerable.Range(0, Events).Select(i => MakeEvent(random, i, start + i / 5)).ToList();
    }

    [IterationSetup(Target = nameof(Apply))]
    public void ExtractForApply()
    {
        _facts = Enumerable.Range(0, Batches).Select(b => _extractor.Extract(b % 16, _events.GetRange(b * BatchSize, BatchSize))).ToList();
        _states = new Dictionary<string, DetectionState>(StringComparer.Ordinal);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int Extract()
    {
        var messages = 0;
        for (var b = 0; b < Batches; b++) messages += _extractor.Extract(b % 16, _events.GetRange(b * BatchSize, BatchSize)).Count;
        return messages;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int Apply()
    {
        var alerts = 0;
        foreach (var batch in _facts)
        {
            foreach (var facts in batch)
            {
                if (!_states.TryGetValue(facts.EntityId, out var state))
                    _states[facts.EntityId] = state = new DetectionState(facts.EntityId, _rules, _settings);
                alerts += state.Apply(facts, 0).Alerts.Count;
            }
        }
        return alerts;
    }

    /// <summary>More rules of every type, over the same fields as the starter set, with other filters and parameters.</summary>
    private static IEnumerable<string> MoreRules(int count)
    {
        string[] sources = ["sshd", "nginx", "firewall", "windows", "dns"];
        for (var i = 0; i < count; i++)
        {
            var source = sources[i % sources.Length];
            yield return (i % 4) switch
            {
                0 => $$"""{ name = "more-threshold-{{i}}", type = threshold, severity = warning, key = src_ip, window = {{1 + i % 5}}m, count = {{30 + i}}, filter = "source == \"{{source}}\" and severity >= warning" }""",
                1 => $$"""{ name = "more-distinct-{{i}}", type = distinct, severity = notice, key = host, distinct = user, window = 5m, count = {{10 + i}}, filter = "source == \"{{source}}\" and outcome == \"failure\"" }""",
                2 => $$"""{ name = "more-sequence-{{i}}", type = sequence, severity = error, key = user, window = 5m, count = {{3 + i % 5}}, filter = "source == \"{{source}}\" and outcome == \"failure\"", then = "source == \"{{source}}\" and outcome == \"success\"" }""",
                _ => $$"""{ name = "more-absence-{{i}}", type = absence, severity = warning, key = host, window = {{5 + i % 10}}m, count = 10, filter = "source == \"{{source}}\"" }""",
            };
        }
    }

    private static SecurityEvent MakeEvent(Random random, int i, long timestamp)
    {
        string[] users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "admin", "root", "svc-backup"];
        var kind = random.Next(100);
        var origin = new KafkaOrigin("siem-events", i % 16, i);
        string Public() => $"{random.Next(1, 223)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
        string Private() => $"10.{random.Next(4)}.{random.Next(256)}.{random.Next(1, 255)}";
        return kind switch
        {
            < 35 => new SecurityEvent
            {
                EventId = $"b-{i}", Timestamp = timestamp, IngestedAt = timestamp, Source = "firewall", Host = $"fw-{random.Next(1, 5):D2}",
                Severity = Severity.Warning, Category = "network", Action = random.Next(10) < 4 ? "deny" : "allow", Outcome = "failure",
                SrcIp = Private(), DstIp = Public(), DstPort = random.Next(1, 1024), Origin = origin,
            },
            < 55 => new SecurityEvent
            {
                EventId = $"b-{i}", Timestamp = timestamp, IngestedAt = timestamp, Source = "sshd", Host = $"bastion-{random.Next(1, 3):D2}",
                Severity = Severity.Warning, Category = "authentication", Action = "login", Outcome = random.Next(10) < 7 ? "failure" : "success",
                User = users[random.Next(users.Length)], SrcIp = random.Next(10) < 6 ? $"203.0.113.{random.Next(1, 6)}" : Public(), Origin = origin,
            },
            < 80 => new SecurityEvent
            {
                EventId = $"b-{i}", Timestamp = timestamp, IngestedAt = timestamp, Source = "nginx", Host = $"web-{random.Next(1, 9):D2}",
                Severity = Severity.Informational, Category = "web", Action = "GET", Outcome = random.Next(8) < 3 ? "failure" : "success",
                SrcIp = Public(), DstPort = 443, Origin = origin,
            },
            < 92 => new SecurityEvent
            {
                EventId = $"b-{i}", Timestamp = timestamp, IngestedAt = timestamp, Source = "windows", Host = $"dc-{random.Next(1, 3):D2}",
                Severity = Severity.Informational, Category = "authentication", Action = "logon", Outcome = random.Next(4) == 0 ? "failure" : "success",
                User = users[random.Next(users.Length)], SrcIp = Private(), Origin = origin,
            },
            _ => new SecurityEvent
            {
                EventId = $"b-{i}", Timestamp = timestamp, IngestedAt = timestamp, Source = "dns", Host = $"dns-{random.Next(1, 3):D2}",
                Severity = Severity.Debug, Category = "network", Action = "query", SrcIp = Private(), DstPort = 53, Origin = origin,
            },
        };
    }
}
