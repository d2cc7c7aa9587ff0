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

    /// <summary>
    /// The batch's keys and arguments. An event whose JSON cannot be written (a bug meeting an unforeseen value) is left
    /// out and added to <paramref name="refused"/>; without a list to add it to, the exception propagates.
    /// </summary>
    public static RedisBatchPayload Build(EventBatch batch, RedisSinkSettings settings, List<RefusedEvent>? refused = null)
    {
        var events = batch.Events;
        var json = new EventJsonSegments();
        var encoded = new ReadOnlyMemory<byte>[events.Count];
        bool[]? leftOut = null;
        var count = events.Count;
        for (var i = 0; i < events.Count; i++)
        {
            try
            {
                encoded[i] = json.Append(events[i]);
            }
            catch (Exception ex) when (refused is not null && ex is not OutOfMemoryException)
            {
                refused.Add(new RefusedEvent(events[i], $"the event's JSON could not be written: {ex.GetType().Name}: {ex.Message}"));
                (leftOut ??= new bool[events.Count])[i] = true;
                count--;
            }
        }
        var keys = new RedisKey[2 + 2 * count];
        var args = new RedisValue[4 + 2 * count];
        keys[0] = settings.OffsetsKey;
        keys[1] = settings.StreamsKey;
        args[0] = PartitionField(batch.MarkTopic, batch.Partition);
        args[1] = (long)settings.EventTtl.TotalSeconds;
        args[2] = settings.StreamMaxLength;
        args[3] = batch.LastOffset;
        var streams = new Dictionary<string, RedisKey>(StringComparer.Ordinal); // a batch has a few sources: one key each
        var k = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (leftOut?[i] == true) continue;
            var e = events[i].Event;
            keys[2 + 2 * k] = settings.EventKey(e.Timestamp, e.Source, e.EventId);
            if (!streams.TryGetValue(e.Source, out var stream)) streams[e.Source] = stream = settings.StreamKey(e.Source);
            keys[3 + 2 * k] = stream;
            args[4 + 2 * k] = e.Origin.Offset;
            args[5 + 2 * k] = encoded[i];
            k++;
        }
        return new RedisBatchPayload(keys, args, json);
    }

    /// <summary>The field of the offsets hash that holds a partition's high-water mark (<paramref name="topic"/>: the batch's mark topic).</summary>
    public static string PartitionField(string topic, int partition) => $"{topic}:{partition}";

    /// <summary>Returns the JSON segments to the pool: the arguments must not be used after.</summary>
    public void Dispose() => _json.Dispose();
}
