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

    [Fact]
    public async Task A_batch_writes_a_key_per_event_with_its_TTL_a_stream_entry_and_the_high_water_mark()
    {
        var batch = TestEvents.Batch("siem-events", 2, first: 0, count: 10, "firewall", "sshd");

        Assert.Equal(10, (await Writer().WriteAsync(batch)).Written);

        foreach (var e in batch.Events.Select(x => x.Event))
        {
            var key = _settings.EventKey(e.Timestamp, e.Source, e.EventId);
            var json = (string?)await Db.StringGetAsync(key);
            Assert.NotNull(json);
            Assert.Contains($"\"event_id\":\"{e.EventId}\"", json);
            var ttl = await Db.KeyTimeToLiveAsync(key);
            Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        }
        Assert.Equal(5, await Db.StreamLengthAsync(_settings.StreamKey("firewall")));
        Assert.Equal(5, await Db.StreamLengthAsync(_settings.StreamKey("sshd")));
        var entry = (await Db.StreamRangeAsync(_settings.StreamKey("sshd"), count: 1)).Single();
        Assert.Contains("\"event_id\":\"id-2-1\"", (string?)entry["event"]);
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

        Assert.Equal(15, await Db.StreamLengthAsync(_settings.StreamKey("firewall")));
        Assert.Equal(14, await writer.HighWaterMarkAsync("siem-events", 0));
        Assert.Equal(-1, await writer.HighWaterMarkAsync("siem-events", 1));
    }

    [Fact]
    public async Task A_record_that_reaches_one_batch_twice_is_written_once()
    {
        var batch = TestEvents.Batch("siem-events", 3, 0, 4, "dup");
        var twice = batch with { Events = [.. batch.Events, batch.Events[2], batch.Events[3]] };

        Assert.Equal(4, (await Writer().WriteAsync(twice)).Written);

        Assert.Equal(4, await Db.StreamLengthAsync(_settings.StreamKey("dup")));
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

        Assert.Equal(3, await Db.StreamLengthAsync(_settings.StreamKey("a")));
        Assert.Equal(3, await Db.StreamLengthAsync(_settings.StreamKey("b")));
    }

    [Fact]
    public void The_payload_is_one_script_call_per_source_with_its_keys_in_the_sources_slot()
    {
        var batch = TestEvents.Batch("t", 1, 7, 3, "a", "b");
        using var payload = RedisBatchPayload.Build(batch, _settings);

        Assert.Equal(2, payload.Sources.Count);
        var a = payload.Sources[0];
        Assert.Equal([_settings.SourceMarksKey("a"), _settings.StreamKey("a"),
            _settings.EventKey(1_800_000_000_007, "a", "id-1-7"), _settings.EventKey(1_800_000_000_009, "a", "id-1-9")], a.Keys.Select(k => (string)k!));
        Assert.Equal(["t:1", "3600", "10000", "9", "7"], a.Arguments.Take(5).Select(v => (string)v!));
        Assert.Equal(9, (long)a.Arguments[6]);
        Assert.Equal(EventJson.ToUtf8(batch.Events[0]), (byte[])a.Arguments[5]!);
        Assert.Equal(EventJson.ToUtf8(batch.Events[2]), (byte[])a.Arguments[7]!);
        Assert.Equal([_settings.SourceMarksKey("b"), _settings.StreamKey("b"), _settings.EventKey(1_800_000_000_008, "b", "id-1-8")],
            payload.Sources[1].Keys.Select(k => (string)k!));
        Assert.Equal([_settings.StreamKey("a"), _settings.StreamKey("b")], payload.Streams.Select(v => (string)v!));
        Assert.Equal("t:1", payload.PartitionField);
        Assert.Equal(9, payload.LastOffset);
        // One slot per call, whatever braces a source holds.
        foreach (var source in new[] { "a", "sshd", "x}y", "{z", "{}", "a{b}c", "}", "}x{" })
        {
            var keys = new[] { _settings.SourceMarksKey(source), _settings.StreamKey(source), _settings.EventKey(1, source, "id{1}") };
            Assert.Single(keys.Select(k => ClusterSlot.Of(k)).Distinct());
        }
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
        for (var i = 0; i < batch.Events.Count; i++) Assert.Equal(EventJson.ToUtf8(batch.Events[i]), (byte[])call.Arguments[5 + 2 * i]!);
    }

    private static SecurityEvent Message(SecurityEvent e, string message) => new()
    {
        EventId = e.EventId, Timestamp = e.Timestamp, IngestedAt = e.IngestedAt, Source = e.Source, Host = e.Host,
        Message = message, Origin = e.Origin,
    };
}
