using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Sinks.Tests;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

public sealed class ClickHouseEventWriterTests(ClickHouseFixture fixture) : IClassFixture<ClickHouseFixture>, IAsyncLifetime
{
    private readonly ClickHouseSinkSettings _settings = fixture.NewSettings();
    private ClickHouseEventWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _writer = NewWriter();
        await _writer.EnsureSchemaAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ClickHouseEventWriter NewWriter() => new(fixture.Client, _settings, NoLogger.Instance);

    private Task<string> Count(bool final) =>
        fixture.Query($"SELECT count(), uniqExact(event_id) FROM {_settings.EventsTable}{(final ? " FINAL" : "")} FORMAT TabSeparated");

    [Fact]
    public async Task The_schema_is_created_once_and_creating_it_again_is_harmless()
    {
        await NewWriter().EnsureSchemaAsync();
        var tables = await fixture.Query($"SELECT name FROM system.tables WHERE database = '{_settings.Database}' ORDER BY name FORMAT TabSeparated");
        Assert.Equal($"{_settings.Table}\n{_settings.Table}_ledger", tables);
    }

    [Fact]
    public async Task A_batch_is_stored_with_every_field()
    {
        var batch = TestEvents.Batch("siem-events", 3, 100, 1);
        var original = batch.Events[0].Event;
        var e = new SecurityEvent
        {
            EventId = original.EventId, Timestamp = 1_800_000_000_123, IngestedAt = original.IngestedAt, Source = "fw", Host = "h1",
            Severity = Severity.Critical, Category = "network", Action = "deny", Outcome = "failure", SrcIp = "10.0.0.1", SrcPort = 5353,
            DstIp = "2001:db8::2", User = "o'brien", Process = "pf", Message = "tab\there \"quoted\" \\ backslash",
            Tags = ["a", "b"], Attributes = new Dictionary<string, string> { ["rule"] = "r1", ["zone"] = "dmz" }, Raw = original.Raw,
            Origin = original.Origin,
        };
        var one = batch with { Events = [new EnrichedEvent(e, new HostEnrichment(1_700_000_000_000, 42, 7))] };

        Assert.Equal(1, (await _writer.WriteAsync(one)).Written);

        var row = await fixture.Query($"""
            SELECT event_id, event_time, event_time_ms, event_date, source, host, severity, category, action, outcome, src_ip,
                   src_port, dst_ip, dst_port, user, process, message, tags, attribute_keys, attribute_values,
                   host_first_seen_ms, host_seq, host_rate_1m, topic, partition, offset, raw
            FROM {_settings.EventsTable} FORMAT JSONEachRow
            """);
        var expected = """{"event_id":"id-3-100","event_time":"2027-01-15 08:00:00","event_time_ms":"1800000000123","event_date":"2027-01-15","source":"fw","host":"h1","severity":2,"category":"network","action":"deny","outcome":"failure","src_ip":"10.0.0.1","src_port":5353,"dst_ip":"2001:db8::2","dst_port":null,"user":"o'brien","process":"pf","message":"tab\there \"quoted\" \\ backslash","tags":["a","b"],"attribute_keys":["rule","zone"],"attribute_values":["r1","dmz"],"host_first_seen_ms":"1700000000000","host_seq":"42","host_rate_1m":7,"topic":"siem-events","partition":3,"offset":"100","raw":"{\"n\":100}"}""";
        Assert.Equal(expected, row);
    }

    [Fact]
    public async Task A_batch_written_again_by_the_same_or_a_restarted_writer_inserts_nothing()
    {
        var batch = TestEvents.Batch("siem-events", 0, 0, 500, "fw", "sshd");
        Assert.Equal(500, (await _writer.WriteAsync(batch)).Written);
        Assert.Equal(0, (await _writer.WriteAsync(batch)).Written);
        Assert.Equal(0, (await NewWriter().WriteAsync(batch)).Written); // fresh memory: the ledger says it is stored
        Assert.Equal(250, (await NewWriter().WriteAsync(TestEvents.Batch("siem-events", 0, 250, 500, "fw", "sshd"))).Written);

        Assert.Equal("750\t750", await Count(final: false));
    }

    [Fact]
    public async Task Partitions_writing_at_once_are_grouped_and_every_row_is_stored_once_with_each_partitions_mark()
    {
        // 12 partitions, each handing in 4 batches one after another (as the pipeline does), all at the same time; the
        // third batch of every partition is handed in twice (a retry after a failure the caller did not see succeed).
        var partitions = Enumerable.Range(0, 12).ToArray();
        var inserted = await Task.WhenAll(partitions.Select(async p =>
        {
            var rows = 0;
            for (var b = 0; b < 4; b++)
            {
                var batch = TestEvents.Batch("siem-events", p, b * 50, 50);
                rows += (await _writer.WriteAsync(batch)).Written;
                if (b == 2) rows += (await _writer.WriteAsync(batch)).Written;
            }
            return rows;
        }));

        Assert.All(inserted, rows => Assert.Equal(200, rows));
        Assert.Equal("2400\t2400", await Count(final: false));
        var ledger = new BatchLedger(fixture.Client, _settings);
        foreach (var p in partitions) Assert.Equal(199, await ledger.HighWaterMarkAsync("siem-events", p));
        var marks = await ledger.HighWaterMarksAsync("siem-events", [.. partitions, 12]);
        Assert.All(partitions, p => Assert.Equal(199, marks[p]));
        Assert.Equal(-1, marks[12]);
    }

    [Fact]
    public async Task A_batch_interrupted_between_its_before_and_after_records_is_written_again_and_reads_once()
    {
        var batch = TestEvents.Batch("siem-events", 5, 0, 200);
        // What a crash mid-insert leaves: the 'before' record and part of the rows.
        var ledger = new BatchLedger(fixture.Client, _settings);
        await ledger.RecordAsync("siem-events", 5, 0, 199, 200, BatchLedger.Before);
        var half = new System.Buffers.ArrayBufferWriter<byte>();
        EventRows.Write(batch.Events.Take(120), half);
        await fixture.Client.InsertAsync(EventRows.Insert(_settings.EventsTable), half.WrittenMemory);

        Assert.Equal(-1, await ledger.HighWaterMarkAsync("siem-events", 5));
        Assert.Equal(200, (await NewWriter().WriteAsync(batch)).Written);

        Assert.Equal("200\t200", await Count(final: true)); // the documented read path
        Assert.Equal(199, await ledger.HighWaterMarkAsync("siem-events", 5));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("it's")]
    [InlineData("back\\slash' OR 1=1 --")]
    [InlineData("'; DROP TABLE x; --")]
    [InlineData("x' UNION SELECT name FROM system.tables --")]
    [InlineData("new\nline\ttab\0nul")]
    [InlineData("/* comment */ ünïcødé \\' \\\\'")]
    public async Task Quoted_literals_come_back_exactly_as_they_went_in(string value)
    {
        var echoed = await fixture.Client.QueryAsync($"SELECT {ClickHouseSql.Quote(value)} AS v FORMAT JSONEachRow");
        Assert.Equal(value, System.Text.Json.JsonDocument.Parse(echoed).RootElement.GetProperty("v").GetString());
    }
}
