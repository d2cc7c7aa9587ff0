using StackExchange.Redis;

namespace SiemActors.Sinks.Redis;

/// <summary>
/// The events of a stream entry the sink wrote: every <c>event</c> field's value (the event's JSON), in the order they
/// were written. One entry holds the events of one batch and source (<c>WriteBatch.lua</c>); other fields are ignored.
/// </summary>
public static class StreamEvents
{
    public const string Field = "event";

    public static IEnumerable<RedisValue> Of(StreamEntry entry)
    {
        foreach (var value in entry.Values)
            if (value.Name == Field) yield return value.Value;
    }

    /// <summary>The number of events in <paramref name="entries"/>.</summary>
    public static long Count(IEnumerable<StreamEntry> entries) => entries.Sum(e => (long)e.Values.Count(v => v.Name == Field));
}
