using SiemActors.Domain.Events;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// The log epoch of each partition (<see cref="KafkaOrigin.Epoch"/>), shared by every node, in the hash
/// <c>&lt;prefix&gt;:log-epochs</c>: field <c>topic:partition</c>, value <c>epoch|topic id</c> (the id empty where the brokers
/// give none). Moved on with a compare-and-set script, so nodes that find a new log at the same time agree on one epoch.
/// </summary>
public sealed class RedisLogEpochStore(IConnectionMultiplexer redis, RedisSinkSettings settings)
{
    public string Key => settings.KeyPrefix + ":log-epochs";

    /// <summary>The stored epoch and topic id; null when the partition has none yet.</summary>
    public async Task<(int Epoch, string TopicId)?> GetAsync(string topic, int partition)
    {
        var value = await redis.GetDatabase().HashGetAsync(Key, Field(topic, partition)).ConfigureAwait(false);
        return value.IsNullOrEmpty ? null : Parse(value!);
    }

    /// <summary>Stores <paramref name="next"/> if the partition still holds <paramref name="seen"/>; returns what it holds after.</summary>
    public async Task<(int Epoch, string TopicId)> CompareAndSetAsync(string topic, int partition, (int Epoch, string TopicId)? seen,
        (int Epoch, string TopicId) next)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(LuaScripts.AdvanceEpoch, [Key],
            [Field(topic, partition), seen is { } s ? Format(s) : "", Format(next)]).ConfigureAwait(false);
        return Parse((string)result!);
    }

    private static string Field(string topic, int partition) => $"{topic}:{partition}";

    private static string Format((int Epoch, string TopicId) value) => $"{value.Epoch}|{value.TopicId}";

    private static (int, string) Parse(string value)
    {
        var bar = value.IndexOf('|');
        return bar < 0 ? (int.Parse(value), "") : (int.Parse(value.AsSpan(0, bar)), value[(bar + 1)..]);
    }
}
