using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;
using StackExchange.Redis;
using Xunit;

using SiemActors.Sinks.Tests;

namespace SiemActors.Sinks.Redis.Tests;

public sealed class RedisEventWriterTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly RedisSinkSettings _settings = fixture.Settings(RedisFixture.Endpoint);
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
    public void The_payload_lists_each_events_key_stream_offset_and_JSON_in_order()
    {
        var batch = TestEvents.Batch("t", 1, 7, 2, "a", "b");
        using var payload = RedisBatchPayload.Build(batch, _settings);

        Assert.Equal([_settings.OffsetsKey, _settings.StreamsKey,
            _settings.EventKey(1_800_000_000_007, "a", "id-1-7"), _settings.StreamKey("a"),
            _settings.EventKey(1_800_000_000_008, "b", "id-1-8"), _settings.StreamKey("b")], payload.Keys.Select(k => (string)k!));
        Assert.Equal("t:1", (string?)payload.Arguments[0]);
        Assert.Equal(3600, (long)payload.Arguments[1]);
        Assert.Equal(10_000, (long)payload.Arguments[2]);
        Assert.Equal(8, (long)payload.Arguments[3]);
        Assert.Equal(7, (long)payload.Arguments[4]);
        Assert.Equal(8, (long)payload.Arguments[6]);
        Assert.Equal(EventJson.ToUtf8(batch.Events[0]), (byte[])payload.Arguments[5]!);
        Assert.Equal(EventJson.ToUtf8(batch.Events[1]), (byte[])payload.Arguments[7]!);
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

        for (var i = 0; i < batch.Events.Count; i++) Assert.Equal(EventJson.ToUtf8(batch.Events[i]), (byte[])payload.Arguments[5 + 2 * i]!);
    }

    private static SecurityEvent Message(SecurityEvent e, string message) => new()
    {
        EventId = e.EventId, Timestamp = e.Timestamp, IngestedAt = e.IngestedAt, Source = e.Source, Host = e.Host,
        Message = message, Origin = e.Origin,
    };
}
