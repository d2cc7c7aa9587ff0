using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;
using StackExchange.Redis;
using Xunit;

using SiemActors.Sinks.Tests;

namespace SiemActors.Sinks.Redis.Tests;

/// <summary>The writer on one Redis server.</summary>
public sealed class RedisEventWriterTests(RedisFixture fixture) : RedisEventWriterContract(fixture), IClassFixture<RedisFixture>;

/// <summary>The same writer, the same checks, on a Redis Cluster of three masters and three replicas, with WAIT for one replica.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterEventWriterTests(RedisClusterFixture fixture) : RedisEventWriterContract(fixture);

public abstract class RedisEventWriterContract(RedisTarget fixture)
{
    private readonly RedisSinkSettings _settings = fixture.Settings();
    private IDatabase Db => fixture.Redis.GetDatabase();

    private RedisEventWriter Writer() => new(fixture.Redis, _settings, NoLogger.Instance);

    /// <summary>The events in a source's stream, oldest first.</summary>
    private async Task<List<string>> StreamEventsOf(string source) =>
        (await Db.StreamRangeAsync(_settings.StreamKey(source))).SelectMany(e => StreamEvents.Of(e)).Select(v => (string)v!).ToList();

    [Fact]
    public async Task A_batch_writes_one_stream_entry_per_source_holding_its_events_in_order_and_the_high_water_mark()
    {
        var batch = TestEvents.Batch("siem-events", 2, first: 0, count: 10, "firewall", "sshd");

        Assert.Equal(10, (await Writer().WriteAsync(batch)).Written);

        foreach (var source in new[] { "firewall", "sshd" })
        {
            var entry = Assert.Single(await Db.StreamRangeAsync(_settings.StreamKey(source)));
            var expected = batch.Events.Where(e => e.Event.Source == source).Select(e => e.Event.EventId).ToList();
            Assert.Equal(5, expected.Count);
            var events = StreamEvents.Of(entry).Select(v => (string)v!).ToList();
            Assert.Equal(expected.Count, events.Count);
            for (var i = 0; i < events.Count; i++) Assert.Contains($"\"event_id\":\"{expected[i]}\"", events[i]);
        }
        Assert.Equal(
            new[] { _settings.StreamKey("firewall"), _settings.StreamKey("sshd") }.Order(),
            (await Db.SetMembersAsync(_settings.StreamsKey)).Select(v => (string)v!).Order());
        Assert.Equal(9, await Writer().HighWaterMarkAsync("siem-events", 2));
    }

    [Fact]
    public async Task Writing_a_batch_again_changes_nothing_and_an_overlapping_batch_writes_only_what_is_new()
    {
        var writer = Writer();
        Assert.Equal(10, (await writer.WriteAsync(TestEvents.Batch("siem-events", 0, 0, 10))).Written);
        Assert.Equal(0, (await writer.WriteAsync(TestEvents.Batch("siem-events", 0, 0, 10))).Written);
        Assert.Equal(5, (await writer.WriteAsync(TestEvents.Batch("siem-events", 0, 5, 10))).Written);

        var events = await StreamEventsOf("firewall");
        Assert.Equal(15, events.Count);
        for (var i = 0; i < 15; i++) Assert.Contains($"\"event_id\":\"id-0-{i}\"", events[i]);
        Assert.Equal(14, await writer.HighWaterMarkAsync("siem-events", 0));
        Assert.Equal(-1, await writer.HighWaterMarkAsync("siem-events", 1));
    }

    [Fact]
    public async Task A_record_that_reaches_one_batch_twice_is_written_once()
    {
        var batch = TestEvents.Batch("siem-events", 3, 0, 4, "dup");
        var twice = batch with { Events = [.. batch.Events, batch.Events[2], batch.Events[3]] };

        Assert.Equal(4, (await Writer().WriteAsync(twice)).Written);

        Assert.Equal(4, (await StreamEventsOf("dup")).Count);
        Assert.Equal(3, await Writer().HighWaterMarkAsync("siem-events", 3));
    }

    [Fact]
    public async Task A_batch_without_events_still_moves_the_high_water_mark_past_dead_lettered_records()
    {
        var empty = TestEvents.Batch("siem-events", 4, 0, 0) with { FirstOffset = 0, LastOffset = 6 };
        Assert.Equal(0, (await Writer().WriteAsync(empty)).Written);
        Assert.Equal(6, await Writer().HighWaterMarkAsync("siem-events", 4));
    }

    [Fact]
    public async Task Every_source_keeps_its_own_mark_so_a_source_written_before_a_failure_is_not_written_again()
    {
        var writer = Writer();
        var batch = TestEvents.Batch("siem-events", 5, 0, 6, "a", "b");
        Assert.Equal(6, (await writer.WriteAsync(batch)).Written);
        // As if an attempt had written source a's script and failed before b's: b's mark removed, a's kept.
        await Db.HashDeleteAsync(_settings.SourceMarksKey("b"), "siem-events:5");
        await Db.KeyDeleteAsync(_settings.StreamKey("b"));

        Assert.Equal(3, (await writer.WriteAsync(batch)).Written);

        Assert.Equal(3, (await StreamEventsOf("a")).Count);
        Assert.Equal(3, (await StreamEventsOf("b")).Count);
    }

    [Fact]
    public void The_payload_is_one_script_call_per_source_with_its_keys_in_the_sources_slot()
    {
        var batch = TestEvents.Batch("t", 1, 7, 3, "a", "b");
        using var payload = RedisBatchPayload.Build(batch, _settings);

        Assert.Equal(2, payload.Sources.Count);
        var a = payload.Sources[0];
        Assert.Equal([_settings.SourceMarksKey("a"), _settings.StreamKey("a")], a.Keys.Select(k => (string)k!));
        Assert.Equal("t:1", (string?)a.Arguments[0]);
        // The oldest stream id kept: an hour (event-ttl) before the payload was built.
        var keep = (long)a.Arguments[1];
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - keep, 3_600_000, 3_660_000);
        Assert.Equal(["9", "7"], a.Arguments.Skip(2).Take(2).Select(v => (string)v!));
        Assert.Equal(9, (long)a.Arguments[5]);
        Assert.Equal(7, a.Arguments.Length);
        Assert.Equal(EventJson.ToUtf8(batch.Events[0]), (byte[])a.Arguments[4]!);
        Assert.Equal(EventJson.ToUtf8(batch.Events[2]), (byte[])a.Arguments[6]!);
        Assert.Equal([_settings.SourceMarksKey("b"), _settings.StreamKey("b")], payload.Sources[1].Keys.Select(k => (string)k!));
        Assert.Equal([_settings.StreamKey("a"), _settings.StreamKey("b")], payload.Streams.Select(v => (string)v!));
        Assert.Equal("t:1", payload.PartitionField);
        Assert.Equal(9, payload.LastOffset);
        // One slot per call, whatever braces a source holds.
        foreach (var source in new[] { "a", "sshd", "x}y", "{z", "{}", "a{b}c", "}", "}x{" })
        {
            var keys = new[] { _settings.SourceMarksKey(source), _settings.StreamKey(source) };
            Assert.Single(keys.Select(k => ClusterSlot.Of(k)).Distinct());
        }
    }

    [Fact]
    public async Task A_source_with_more_than_a_thousand_events_in_a_batch_gets_an_entry_per_thousand_all_in_order()
    {
        var batch = TestEvents.Batch("siem-events", 6, 0, 2_500, "big");

        Assert.Equal(2_500, (await Writer().WriteAsync(batch)).Written);

        var entries = await Db.StreamRangeAsync(_settings.StreamKey("big"));
        Assert.Equal([1_000, 1_000, 500], entries.Select(e => StreamEvents.Of(e).Count()));
        var events = entries.SelectMany(e => StreamEvents.Of(e)).Select(v => (string)v!).ToList();
        for (var i = 0; i < events.Count; i += 499) Assert.Contains($"\"event_id\":\"id-6-{i}\"", events[i]);
    }

    [Fact]
    public async Task An_entry_closes_once_it_holds_a_mebibyte_so_huge_records_make_no_huge_entry()
    {
        // 200 KB messages: an entry takes events until its JSON reaches 1 MiB (six of them), then the next begins.
        var batch = TestEvents.Batch("siem-events", 9, 0, 14, "huge");
        batch = batch with { Events = batch.Events.Select(e => e with { Event = Message(e.Event, new string('m', 200_000)) }).ToList() };

        Assert.Equal(14, (await Writer().WriteAsync(batch)).Written);

        var entries = await Db.StreamRangeAsync(_settings.StreamKey("huge"));
        Assert.Equal([6, 6, 2], entries.Select(e => StreamEvents.Of(e).Count()));
        foreach (var entry in entries)
        {
            var sizes = StreamEvents.Of(entry).Select(v => ((byte[])v!).Length).ToList();
            Assert.True(sizes.Sum() - sizes[^1] < 1_048_576, "an entry went on past 1 MiB");
        }
        var events = entries.SelectMany(e => StreamEvents.Of(e)).Select(v => (string)v!).ToList();
        for (var i = 0; i < events.Count; i++) Assert.Contains($"\"event_id\":\"id-9-{i}\"", events[i]);
    }

    [Fact]
    public async Task The_stream_drops_what_was_stored_longer_ago_than_the_event_TTL_and_keeps_everything_without_one()
    {
        var stream = _settings.StreamKey("aged");
        // An old entry as if stored two hours ago, in blocks large enough for the approximate trim to drop them.
        for (var i = 0; i < 300; i++)
            await Db.StreamAddAsync(stream, StreamEvents.Field, "old", $"{DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds()}-{i + 1}");

        await Writer().WriteAsync(TestEvents.Batch("siem-events", 7, 0, 3, "aged"));

        var kept = await Db.StreamRangeAsync(stream);
        Assert.True(kept.Length < 300, $"{kept.Length} entries kept: the entries older than event-ttl were not trimmed");
        Assert.Equal(3, StreamEvents.Of(kept[^1]).Count());

        var forever = new RedisEventWriter(fixture.Redis, _settings with { EventTtl = TimeSpan.Zero }, NoLogger.Instance);
        var keep = _settings.StreamKey("kept");
        for (var i = 0; i < 300; i++)
            await Db.StreamAddAsync(keep, StreamEvents.Field, "old", $"{DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds()}-{i + 1}");
        await forever.WriteAsync(TestEvents.Batch("siem-events", 8, 0, 3, "kept"));
        Assert.Equal(301, await Db.StreamLengthAsync(keep));
    }

    [Fact]
    public void Each_events_JSON_is_whole_across_segments_and_when_larger_than_a_segment()
    {
        // 3 KB messages fill a 64 KiB segment after ~20 events, so the JSON spans several; event 25 alone is larger than one.
        var batch = TestEvents.Batch("t", 1, 0, 60);
        batch = batch with
        {
            Events = batch.Events.Select((e, i) => e with
            {
                Event = Message(e.Event, new string((char)('a' + i % 26), i == 25 ? EventJsonSegments.SegmentBytes + 1000 : 3000)),
            }).ToList(),
        };
        using var payload = RedisBatchPayload.Build(batch, _settings);

        var call = Assert.Single(payload.Sources);
        for (var i = 0; i < batch.Events.Count; i++) Assert.Equal(EventJson.ToUtf8(batch.Events[i]), (byte[])call.Arguments[4 + 2 * i]!);
    }

    private static SecurityEvent Message(SecurityEvent e, string message) => new()
    {
        EventId = e.EventId, Timestamp = e.Timestamp, IngestedAt = e.IngestedAt, Source = e.Source, Host = e.Host,
        Message = message, Origin = e.Origin,
    };
}
