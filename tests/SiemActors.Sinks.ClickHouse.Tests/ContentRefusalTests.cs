using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Sinks.Tests;
using Xunit;

namespace SiemActors.Sinks.ClickHouse.Tests;

/// <summary>
/// Rows the server refuses for their content are found and returned, the rest stored. The refusal is the real server's:
/// the table gets a column computed with <c>throwIf</c> on a message, as a check the server runs on every row.
/// </summary>
public sealed class ContentRefusalTests(ClickHouseFixture fixture) : IClassFixture<ClickHouseFixture>, IAsyncLifetime
{
    private readonly ClickHouseSinkSettings _settings = fixture.NewSettings();

    public async Task InitializeAsync()
    {
        await new ClickHouseEventWriter(fixture.Client, _settings, NoLogger.Instance).EnsureSchemaAsync();
        await fixture.Query($"ALTER TABLE {_settings.EventsTable} ADD COLUMN poison UInt8 MATERIALIZED throwIf(message = 'poison')");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static EventBatch WithPoison(EventBatch batch, params int[] at) => batch with
    {
        Events = batch.Events.Select((e, i) => at.Contains(i) ? e with { Event = Copy(e.Event, "poison") } : e).ToList(),
    };

    private static SecurityEvent Copy(SecurityEvent e, string message) => new()
    {
        EventId = e.EventId, Timestamp = e.Timestamp, IngestedAt = e.IngestedAt, Source = e.Source, Host = e.Host, Severity = e.Severity,
        Message = message, Raw = e.Raw, Origin = e.Origin,
    };

    [Fact]
    public async Task Refused_rows_are_found_by_halves_and_returned_with_the_servers_error_and_the_rest_is_stored()
    {
        var writer = new ClickHouseEventWriter(fixture.Client, _settings, NoLogger.Instance);
        var batch = WithPoison(TestEvents.Batch("siem-events", 0, 0, 200), 0, 77, 199);

        var write = await writer.WriteAsync(batch);

        Assert.Equal(197, write.Written);
        Assert.Equal([0L, 77L, 199L], write.Refused.Select(r => r.Event.Event.Origin.Offset).Order());
        Assert.All(write.Refused, r => Assert.Contains("395", r.Error));
        Assert.Equal("197\t197", await fixture.Query($"SELECT count(), uniqExact(event_id) FROM {_settings.EventsTable} FORMAT TabSeparated"));
        // The ledger counts the batch as done: written again (a replay), nothing is inserted twice.
        Assert.Equal(0, (await new ClickHouseEventWriter(fixture.Client, _settings, NoLogger.Instance).WriteAsync(batch)).Written);
    }

    [Fact]
    public async Task Batches_of_other_partitions_written_in_the_same_group_are_stored_whole()
    {
        var writer = new ClickHouseEventWriter(fixture.Client, _settings, NoLogger.Instance);
        var writes = await Task.WhenAll(Enumerable.Range(1, 6).Select(p =>
            writer.WriteAsync(p == 3 ? WithPoison(TestEvents.Batch("siem-events", p, 0, 50), 10) : TestEvents.Batch("siem-events", p, 0, 50))));

        Assert.Equal([50, 50, 49, 50, 50, 50], writes.Select(w => w.Written));
        Assert.Equal((3, 10L), (writes[2].Refused.Single().Event.Event.Origin.Partition, writes[2].Refused.Single().Event.Event.Origin.Offset));
        Assert.All(writes.Where((_, i) => i != 2), w => Assert.Empty(w.Refused));
    }

    [Fact]
    public void Rows_of_more_days_than_one_insert_may_touch_are_split_by_day()
    {
        var batch = TestEvents.Batch("siem-events", 0, 0, 1000);
        var spread = batch.Events.Select((e, i) => e with { Event = WithTime(e.Event, 86_400_000L * (i % 250)) }).ToList();

        var chunks = InsertChunks.ByDays(spread, 100).ToList();

        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.Select(e => EventRows.Day(e.Event.Timestamp)).Distinct().Count() <= 100));
        Assert.Equal(1000, chunks.Sum(c => c.Count));
        Assert.Single(InsertChunks.ByDays(batch.Events, 100)); // one day: untouched
    }

    private static SecurityEvent WithTime(SecurityEvent e, long timestamp) => new()
    {
        EventId = e.EventId, Timestamp = timestamp, IngestedAt = e.IngestedAt, Source = e.Source, Host = e.Host, Message = e.Message, Raw = e.Raw,
        Origin = e.Origin,
    };
}
