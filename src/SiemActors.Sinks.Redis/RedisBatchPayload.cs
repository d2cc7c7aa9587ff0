using SiemActors.Domain.Events;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>A partition batch as the keys and arguments of <c>WriteBatch.lua</c>. Pure: unit tested without Redis.</summary>
public sealed record RedisBatchPayload(RedisKey[] Keys, RedisValue[] Arguments)
{
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
        var streams = new Dictionary<string, RedisKey>(StringComparer.Ordinal); // a batch has a few sources: one key each
        for (var i = 0; i < count; i++)
        {
            var enriched = batch.Events[i];
            var e = enriched.Event;
            keys[2 + 2 * i] = settings.EventKey(e.Timestamp, e.Source, e.EventId);
            if (!streams.TryGetValue(e.Source, out var stream)) streams[e.Source] = stream = settings.StreamKey(e.Source);
            keys[3 + 2 * i] = stream;
            args[4 + 2 * i] = e.Origin.Offset;
            args[5 + 2 * i] = enriched.Json;
        }
        return new RedisBatchPayload(keys, args);
    }

    /// <summary>The field of the offsets hash that holds a partition's high-water mark.</summary>
    public static string PartitionField(string topic, int partition) => $"{topic}:{partition}";
}
