using System.Globalization;
using System.Text;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>One partition's range of offsets in the ledger.</summary>
public readonly record struct LedgerRange(string Topic, int Partition, long FirstOffset, long LastOffset, int Rows);

/// <summary>
/// Per partition, the offset ranges written to the event table: a <c>before</c> row when a batch's insert starts, an
/// <c>after</c> row when it has succeeded. The highest <c>after</c> is the partition's high-water mark: events at or
/// below it are never inserted again. A range with only <c>before</c> was interrupted; it is simply inserted again
/// (identical rows, collapsed by the table's engine). On a cluster the ledger of a partition is on the partition's shard,
/// read and written through the same client as its events (the shard's local tables): a local, read-your-writes check.
/// </summary>
public sealed class BatchLedger(ClickHouseHttpClient client, ClickHouseSinkSettings settings)
{
    public const int Before = 1;
    public const int After = 2;

    /// <summary>The highest offset of the partition known to be stored, or -1.</summary>
    public async Task<long> HighWaterMarkAsync(string topic, int partition, CancellationToken ct = default) =>
        (await HighWaterMarksAsync(topic, [partition], ct).ConfigureAwait(false))[partition];

    /// <summary>The high-water marks of several partitions of one topic in one query (-1 for a partition with none).</summary>
    public async Task<IReadOnlyDictionary<int, long>> HighWaterMarksAsync(string topic, IReadOnlyCollection<int> partitions, CancellationToken ct = default)
    {
        var marks = partitions.Distinct().ToDictionary(p => p, _ => -1L);
        if (marks.Count == 0) return marks;
        var sql = $"SELECT partition, max(last_offset) FROM {settings.Local(settings.LedgerTable)} WHERE topic = {ClickHouseSql.Quote(topic)} " +
                  $"AND partition IN ({string.Join(",", marks.Keys)}) AND state = {After} GROUP BY partition FORMAT TabSeparated";
        foreach (var line in (await client.QueryAsync(sql, ct).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            marks[int.Parse(fields[0], CultureInfo.InvariantCulture)] = long.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        return marks;
    }

    public Task RecordAsync(string topic, int partition, long firstOffset, long lastOffset, int rows, int state, CancellationToken ct = default) =>
        RecordAsync([new LedgerRange(topic, partition, firstOffset, lastOffset, rows)], state, ct);

    /// <summary>Records several ranges (of different partitions) in one insert.</summary>
    public Task RecordAsync(IReadOnlyList<LedgerRange> ranges, int state, CancellationToken ct = default)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = new StringBuilder(ranges.Count * 128);
        foreach (var r in ranges)
        {
            body.Append(CultureInfo.InvariantCulture,
                $"{{\"topic\":{System.Text.Json.JsonSerializer.Serialize(r.Topic)},\"partition\":{r.Partition},\"first_offset\":{r.FirstOffset},");
            body.Append(CultureInfo.InvariantCulture, $"\"last_offset\":{r.LastOffset},\"rows\":{r.Rows},\"state\":{state},\"written_at\":{now}}}\n");
        }
        return client.InsertAsync($"INSERT INTO {settings.Local(settings.LedgerTable)} FORMAT JSONEachRow", Encoding.UTF8.GetBytes(body.ToString()), ct);
    }
}
