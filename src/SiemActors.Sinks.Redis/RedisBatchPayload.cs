using SiemActors.Domain.Events;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// A partition batch as the keys and arguments of <c>WriteBatch.lua</c>. Pure: unit tested without Redis.
/// The events' JSON arguments are slices of pooled segments (<see cref="EventJsonSegments"/>; not an array per event:
/// an event routed to the Kafka output as well is serialized again there, which Confluent.Kafka needs as an array);
/// dispose the payload once Redis has answered the write that carries it, or drop it undisposed when a write may still
/// be queued in the client (the segments are then left to the GC instead of going back to the pool while they might
/// still be read).
/// </summary>
public sealed class RedisBatchPayload : IDisposable
{
    private readonly EventJsonSegments _json;

    private RedisBatchPayload(RedisKey[] keys, RedisValue[] arguments, EventJsonSegments json) =>
        (Keys, Arguments, _json) = (keys, arguments, json);

    public RedisKey[] Keys { get; }

    public RedisValue[] Arguments { get; }

    public static RedisBatchPayload Build(EventBatch batch, RedisSinkSettings settings)
    {
        var count = batch.Events.Count;
        var keys = new RedisKey[2 + 2 * count];
        var args = new RedisValue[4 + 2 * count];
        keys[0] = settings.OffsetsKey;
        keys[1] = settings.StreamsKey;
        args[0] = PartitionField(batch.Topic, batch.Partition);
        args[1] = (long)settings.EventTtl.TotalSeconds;
        args[2] = settings.StreamMaxLength;
        args[3] = batch.LastOffset;
        var json = new EventJsonSegments();
        var streams = new Dictionary<string, RedisKey>(StringComparer.Ordinal); // a batch has a few sources: one key each
        for (var i = 0; i < count; i++)
        {
            var enriched = batch.Events[i];
            var e = enriched.Event;
            keys[2 + 2 * i] = settings.EventKey(e.Timestamp, e.Source, e.EventId);
            if (!streams.TryGetValue(e.Source, out var stream)) streams[e.Source] = stream = settings.StreamKey(e.Source);
            keys[3 + 2 * i] = stream;
            args[4 + 2 * i] = e.Origin.Offset;
            args[5 + 2 * i] = json.Append(enriched);
        }
        return new RedisBatchPayload(keys, args, json);
    }

    /// <summary>The field of the offsets hash that holds a partition's high-water mark.</summary>
    public static string PartitionField(string topic, int partition) => $"{topic}:{partition}";

    /// <summary>Returns the JSON segments to the pool: the arguments must not be used after.</summary>
    public void Dispose() => _json.Dispose();
}
