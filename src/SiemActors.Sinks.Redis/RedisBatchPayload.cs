using SiemActors.Domain.Events;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>The keys and arguments of one call of a Lua script.</summary>
public sealed record RedisScriptCall(RedisKey[] Keys, RedisValue[] Arguments);

/// <summary>
/// A partition batch as calls of <c>WriteBatch.lua</c>, one per source of the batch's events (each call's keys share
/// the source's hash tag: one Redis Cluster slot), plus the streams to list in <c>&lt;prefix&gt;:streams</c> and the
/// partition's mark. Pure: unit tested without Redis.
/// The events' JSON arguments are slices of pooled segments (<see cref="EventJsonSegments"/>; not an array per event:
/// an event routed to the Kafka output as well is serialized again there, which Confluent.Kafka needs as an array);
/// dispose the payload once Redis has answered the write that carries it, or drop it undisposed when a write may still
/// be queued in the client (the segments are then left to the GC instead of going back to the pool while they might
/// still be read).
/// </summary>
public sealed class RedisBatchPayload : IDisposable
{
    private readonly EventJsonSegments _json;

    private RedisBatchPayload(IReadOnlyList<RedisScriptCall> sources, RedisValue[] streams, string partitionField, long lastOffset,
        EventJsonSegments json) =>
        (Sources, Streams, PartitionField, LastOffset, _json) = (sources, streams, partitionField, lastOffset, json);

    /// <summary>One <c>WriteBatch.lua</c> call per source, in the order the sources first appear in the batch.</summary>
    public IReadOnlyList<RedisScriptCall> Sources { get; }

    /// <summary>The stream keys the batch writes to, for <c>SADD &lt;prefix&gt;:streams</c>.</summary>
    public RedisValue[] Streams { get; }

    /// <summary>The partition's field in the mark hashes (<see cref="PartitionFieldOf"/>).</summary>
    public string PartitionField { get; }

    public long LastOffset { get; }

    /// <summary>
    /// The batch's script calls. An event whose JSON cannot be written (a bug meeting an unforeseen value) is left
    /// out and added to <paramref name="refused"/>; without a list to add it to, the exception propagates.
    /// </summary>
    public static RedisBatchPayload Build(EventBatch batch, RedisSinkSettings settings, List<RefusedEvent>? refused = null)
    {
        var events = batch.Events;
        var json = new EventJsonSegments();
        // A batch has a few sources: the indexes of each one's events, in offset order.
        var bySource = new Dictionary<string, List<(int Index, ReadOnlyMemory<byte> Json)>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            ReadOnlyMemory<byte> encoded;
            try
            {
                encoded = json.Append(events[i]);
            }
            catch (Exception ex) when (refused is not null && ex is not OutOfMemoryException)
            {
                refused.Add(new RefusedEvent(events[i], $"the event's JSON could not be written: {ex.GetType().Name}: {ex.Message}"));
                continue;
            }
            var source = events[i].Event.Source;
            if (!bySource.TryGetValue(source, out var list))
            {
                bySource[source] = list = [];
                order.Add(source);
            }
            list.Add((i, encoded));
        }
        var field = PartitionFieldOf(batch.MarkTopic, batch.Partition);
        var keep = settings.OldestStreamId(DateTimeOffset.UtcNow);
        var calls = new RedisScriptCall[order.Count];
        var streams = new RedisValue[order.Count];
        for (var s = 0; s < order.Count; s++)
        {
            var source = order[s];
            var list = bySource[source];
            var stream = settings.StreamKey(source);
            RedisKey[] keys = [settings.SourceMarksKey(source), stream];
            var args = new RedisValue[3 + 2 * list.Count];
            args[0] = field;
            args[1] = keep;
            args[2] = batch.LastOffset;
            for (var k = 0; k < list.Count; k++)
            {
                args[3 + 2 * k] = events[list[k].Index].Event.Origin.Offset;
                args[4 + 2 * k] = list[k].Json;
            }
            calls[s] = new RedisScriptCall(keys, args);
            streams[s] = stream;
        }
        return new RedisBatchPayload(calls, streams, field, batch.LastOffset, json);
    }

    /// <summary>The field of the mark hashes that holds a partition's high-water mark (<paramref name="topic"/>: the batch's mark topic).</summary>
    public static string PartitionFieldOf(string topic, int partition) => $"{topic}:{partition}";

    /// <summary>Returns the JSON segments to the pool: the arguments must not be used after.</summary>
    public void Dispose() => _json.Dispose();
}
