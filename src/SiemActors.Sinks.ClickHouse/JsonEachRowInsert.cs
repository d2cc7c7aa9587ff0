using System.Buffers;
using System.Text.Json;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The inserts of the small tables (alerts, alert changes, the audit trail, ingest gaps): rows written as
/// <c>JSONEachRow</c>, one insert per shard — on one server a single insert into the table, on a cluster each shard's
/// rows (by the row's shard) into its local table (<see cref="ClickHouseSinkSettings.Local"/>).
/// </summary>
public static class JsonEachRowInsert
{
    /// <param name="client">The client of the store (of every shard on a cluster).</param>
    /// <param name="settings">The sink's settings.</param>
    /// <param name="table">The database-qualified table readers use.</param>
    /// <param name="rows">The rows; none: nothing is sent.</param>
    /// <param name="shardOf">A row's shard (<see cref="ClickHouseSinkSettings.ShardOf(string)"/> of its key).</param>
    /// <param name="write">Writes one row's fields between the object's braces.</param>
    /// <param name="ct">Cancels the inserts.</param>
    public static Task InsertAsync<T>(ClickHouseHttpClient client, ClickHouseSinkSettings settings, string table, IReadOnlyList<T> rows,
        Func<T, int> shardOf, Action<Utf8JsonWriter, T> write, CancellationToken ct)
    {
        if (rows.Count == 0) return Task.CompletedTask;
        var insert = $"INSERT INTO {settings.Local(table)} FORMAT JSONEachRow";
        return Task.WhenAll(rows.GroupBy(shardOf).Select(shard => client.ForShard(shard.Key).InsertAsync(insert, Body(shard, write), ct)));
    }

    private static ReadOnlyMemory<byte> Body<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> write)
    {
        var body = new ArrayBufferWriter<byte>(4096);
        using var w = new Utf8JsonWriter(body);
        foreach (var row in rows)
        {
            w.WriteStartObject();
            write(w, row);
            w.WriteEndObject();
            w.Flush();
            body.Write("\n"u8);
            w.Reset(body);
        }
        return body.WrittenMemory;
    }

    /// <summary>A time's UTC day as ClickHouse's <c>Date</c> reads it (<c>yyyy-MM-dd</c>), for the tables' <c>event_date</c>.</summary>
    public static string Date(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
