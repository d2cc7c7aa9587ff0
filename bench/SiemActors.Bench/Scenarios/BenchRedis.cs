using StackExchange.Redis;

namespace SiemActors.Bench.Scenarios;

/// <summary>The harness's clean-up in Redis: a run removes the keys it wrote, as it drops its ClickHouse database.</summary>
internal static class BenchRedis
{
    /// <summary>
    /// Writes events as the node's layout holds them (<c>WriteBatch.lua</c> without its marks): per stream, one
    /// <c>XADD … MINID ~ <paramref name="keep"/></c> entry with an <c>event</c> field per event, at most 1,000 per entry.
    /// Pipelined: returns the calls to await.
    /// </summary>
    public static List<Task> AddStreamEntries(IDatabase db, IEnumerable<(string Stream, byte[] Json)> events, string keep)
    {
        var writes = new List<Task>();
        foreach (var stream in events.GroupBy(e => e.Stream))
        {
            foreach (var entry in stream.Chunk(1000))
            {
                var args = new List<object>(5 + 2 * entry.Length) { stream.Key, "MINID", "~", keep, "*" };
                foreach (var (_, json) in entry)
                {
                    args.Add("event");
                    args.Add(json);
                }
                writes.Add(db.ExecuteAsync("XADD", args));
            }
        }
        return writes;
    }

    /// <summary>
    /// Unlinks every key under <paramref name="prefix"/> (<c>prefix:*</c>). Without it a run's million keys would stay
    /// until their TTL, and Redis expiring them would take CPU from the next run on the same two cores (seen: 4.4 million
    /// keys, 5 GiB, Redis at 40% of a core during a later run's live phase). Returns how many keys were removed.
    /// </summary>
    public static async Task<long> DeletePrefixAsync(string connection, string prefix)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
        var server = redis.GetServers().First(s => !s.IsReplica);
        var db = redis.GetDatabase();
        long removed = 0;
        var page = new List<RedisKey>(10_000);
        await foreach (var key in server.KeysAsync(pattern: prefix + ":*", pageSize: 10_000))
        {
            page.Add(key);
            if (page.Count < 10_000) continue;
            removed += await db.KeyDeleteAsync([.. page]);
            page.Clear();
        }
        if (page.Count > 0) removed += await db.KeyDeleteAsync([.. page]);
        return removed;
    }
}
