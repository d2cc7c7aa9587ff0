using System.Net;
using System.Text;
using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

/// <summary>The ClickHouse translation selects exactly what the in-memory predicate selects, and cannot be injected.</summary>
public sealed class ClickHouseFilterTests(ClickHouseFixture fixture) : IClassFixture<ClickHouseFixture>, IAsyncLifetime
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-27T04:00:00Z").ToUnixTimeMilliseconds();
    private static readonly string[] Sources = ["firewall", "sshd", "nginx", "it's"];
    private static readonly string[] Words = ["denied", "accepted", "root", "GET /admin", "ünïcødé", "back\\slash", "quote'd", "50%_off"];
    private static readonly string?[] Ips = ["10.1.2.3", "10.200.0.9", "192.168.1.20", "2001:db8::1", "2001:db8:1::7", "8.8.8.8", null];
    private static readonly string?[] Users = ["alice", "bob", "o'brien", null];
    private readonly ClickHouseSinkSettings _settings = fixture.NewSettings();
    private readonly List<SecurityEvent> _corpus = [];

    public async Task InitializeAsync()
    {
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            _corpus.Add(new SecurityEvent
            {
                EventId = $"e{i}", Timestamp = T0 + i * 1_000, IngestedAt = T0 + i * 1_000 + 5, Source = Sources[random.Next(Sources.Length)],
                Host = $"host-{random.Next(5)}", Severity = (Severity)random.Next(8), Action = random.Next(3) == 0 ? null : "login",
                SrcIp = Ips[random.Next(Ips.Length)], DstIp = Ips[random.Next(Ips.Length)], SrcPort = random.Next(3) == 0 ? null : random.Next(1, 65536),
                DstPort = random.Next(4) == 0 ? null : new[] { 22, 53, 443, 8080 }[random.Next(4)], User = Users[random.Next(Users.Length)],
                Message = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]}",
                Tags = random.Next(2) == 0 ? [] : ["edge", random.Next(2) == 0 ? "dmz" : "core"],
                Attributes = random.Next(2) == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["rule"] = $"r{random.Next(3)}" },
                Raw = Encoding.UTF8.GetBytes("{}"), Origin = new KafkaOrigin("siem-events", i % 4, i),
            });
        }
        var writer = new ClickHouseEventWriter(fixture.Client, _settings, NoLogger.Instance);
        await writer.EnsureSchemaAsync();
        await writer.WriteAsync(new EventBatch("siem-events", 0, 0, 299, _corpus.Select(e => new EnrichedEvent(e, HostEnrichment.None)).ToList()));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string[]> Stored(string filter)
    {
        var where = ClickHouseFilter.Translate(FilterParser.Parse(filter));
        var text = await fixture.Query($"SELECT event_id FROM {_settings.EventsTable} FINAL WHERE {where} ORDER BY event_id FORMAT TabSeparated");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private string[] InMemory(string filter)
    {
        var predicate = FilterPredicate.Compile(filter);
        return _corpus.Where(predicate).Select(e => e.EventId).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task Generated_filters_select_the_same_events_in_memory_and_in_ClickHouse()
    {
        var random = new Random(20261127);
        var nonEmpty = 0;
        for (var i = 0; i < 300; i++)
        {
            var filter = FilterPrinter.Print(Generate(random, 3));
            var expected = InMemory(filter);
            var stored = await Stored(filter);
            Assert.True(expected.AsEnumerable().SequenceEqual(stored, StringComparer.Ordinal), $"differs for: {filter}");
            if (expected.Length is > 0 and < 300) nonEmpty++;
        }
        Assert.True(nonEmpty > 100, $"only {nonEmpty} filters selected some but not all events: the generator is too weak");
    }

    [Theory]
    [InlineData("message contains \"'; DROP TABLE x; --\"")]
    [InlineData("user == \"x' OR 1=1 --\"")]
    [InlineData("user == 'o\\'brien' or user == \"o'brien' OR '1'='1\"")]
    [InlineData("source == \"a'; SELECT 1; --\" or source == \"it's\"")]
    [InlineData("message contains \"\\\\' UNION SELECT name FROM system.tables --\"")]
    [InlineData("host == \"x\\\\\" or message startswith \"back\\\\\"")]
    [InlineData("attributes.rule\\ == \"r1\" or attributes./*x*/ == \"\"")]
    [InlineData("message matches /' OR 1=1 --|back\\\\slash/")]
    [InlineData("message contains \"/* comment */\" or message contains \"50%_off\"")]
    public async Task Injection_attempts_in_literals_and_names_are_harmless(string filter)
    {
        Assert.Equal(InMemory(filter), await Stored(filter));
        Assert.Equal("300", await fixture.Query($"SELECT count() FROM {_settings.EventsTable} FORMAT TabSeparated"));
    }

    private static FilterExpr Generate(Random r, int depth)
    {
        if (depth > 0 && r.Next(3) == 0)
        {
            return r.Next(3) switch
            {
                0 => new FilterExpr.And(Generate(r, depth - 1), Generate(r, depth - 1)),
                1 => new FilterExpr.Or(Generate(r, depth - 1), Generate(r, depth - 1)),
                _ => new FilterExpr.Not(Generate(r, depth - 1)),
            };
        }
        T Pick<T>(T[] items) => items[r.Next(items.Length)];
        var ops = Enum.GetValues<CompareOp>();
        var textField = FilterField.Find(Pick(["source", "host", "user", "action", "attributes.rule", "message"]))!;
        return r.Next(12) switch
        {
            0 => new FilterExpr.Compare(textField, r.Next(2) == 0 ? CompareOp.Equal : CompareOp.NotEqual,
                new FilterValue.Text(Pick(["firewall", "it's", "host-1", "alice", "o'brien", "", "login", "r1", "r2"]))),
            1 => new FilterExpr.Text(textField, r.Next(2) == 0 ? TextOp.Contains : TextOp.StartsWith, Pick(["den", "root", "'", "ünï", "\\", "GET", "", "host-", "r"])),
            2 => new FilterExpr.Compare(FilterField.Find("severity")!, Pick(ops), new FilterValue.Severity((Severity)r.Next(8))),
            3 => new FilterExpr.Compare(FilterField.Find(Pick(["src_port", "dst_port"]))!, Pick(ops), new FilterValue.Number(Pick([22, 53, 443, 1000, 40000, 0, -1]))),
            4 => new FilterExpr.Compare(FilterField.Find(Pick(["timestamp", "ingested_at"]))!, Pick(ops), new FilterValue.Time(T0 + r.Next(-10, 310) * 1_000)),
            5 => new FilterExpr.InNetwork(FilterField.Find(Pick(["src_ip", "dst_ip"]))!,
                IPNetwork.Parse(Pick(["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16", "0.0.0.0/0", "2001:db8::/32", "2001:db8:1::/48", "2001:db8::/35", "8.8.8.8/32"]))),
            6 => new FilterExpr.Compare(FilterField.Find(Pick(["src_ip", "dst_ip"]))!, r.Next(2) == 0 ? CompareOp.Equal : CompareOp.NotEqual,
                new FilterValue.Text(Pick(["10.1.2.3", "2001:db8::1", "8.8.8.8", "1.1.1.1"]))),
            7 => new FilterExpr.Text(FilterField.Find("tags")!, TextOp.Contains, Pick(["edge", "dmz", "core", "none"])),
            8 => new FilterExpr.In(FilterField.Find("dst_port")!, [new FilterValue.Number(22), new FilterValue.Number(Pick([53, 443, 9]))]),
            9 => new FilterExpr.In(FilterField.Find("host")!, [new FilterValue.Text("host-0"), new FilterValue.Text(Pick(["host-3", "nope"]))]),
            10 => new FilterExpr.Matches(FilterField.Find("message")!, Pick(["^den", "ed$", "(root|GET) ", "[0-9]+%", "quote'd"])),
            _ => new FilterExpr.Compare(FilterField.Find("partition")!, Pick(ops), new FilterValue.Number(r.Next(4))),
        };
    }
}
