using System.Globalization;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Archive;

/// <summary>A day partition of the events table as ClickHouse holds it: its rows and newest ingest time through <c>FINAL</c>.</summary>
public readonly record struct DayCheck(long Rows, long MaxIngestedMs)
{
    public static DayCheck Empty => default;
}

/// <summary>A day partition and a cheap signature of its content (active parts' rows and newest insert block), from <c>system.parts</c>.</summary>
public readonly record struct DayPartition(DateOnly Day, long RawRows, long MaxBlock);

/// <summary>
/// The archive's side of the events table (<see cref="EventsSchema"/>): which days it holds, what each holds through
/// <c>FINAL</c>, a day's rows in event-time order (RowBinary, streamed) and dropping a day partition.
/// </summary>
public sealed class ClickHouseDays(ClickHouseHttpClient clickHouse, ClickHouseSinkSettings store)
{
    /// <summary>The columns exported, in the order <see cref="RowBinaryEvents"/> reads them.</summary>
    public const string ExportColumns =
        "event_id, event_time_ms, ingested_at_ms, source, host, severity, category, action, outcome, src_ip, src_port, dst_ip, dst_port, " +
        "user, process, message, tags, attribute_keys, attribute_values, host_first_seen_ms, host_seq, host_rate_1m, topic, partition, offset, raw";

    /// <summary>
    /// The day partitions that exist, with a signature that changes with every insert (a merge keeps it: it raises no
    /// block number). On a cluster the signature is of the server <c>url</c> names only, so it is not used (MaxBlock -1).
    /// </summary>
    public async Task<IReadOnlyList<DayPartition>> PartitionsAsync(CancellationToken cancellation)
    {
        if (store.IsCluster)
        {
            var days = await clickHouse.QueryAsync($"SELECT DISTINCT event_date FROM {store.EventsTable}{SameReplicas} FORMAT TabSeparated", cancellation).ConfigureAwait(false);
            return Lines(days).Select(l => new DayPartition(ParseDay(l), -1, -1)).OrderBy(p => p.Day).ToList();
        }
        var text = await clickHouse.QueryAsync(
            $"SELECT partition_id, sum(rows), max(max_block_number) FROM system.parts WHERE database = {ClickHouseSql.Quote(store.Database)} " +
            $"AND table = {ClickHouseSql.Quote(store.Table)} AND active GROUP BY partition_id ORDER BY partition_id FORMAT TabSeparated", cancellation).ConfigureAwait(false);
        return Lines(text).Select(l => l.Split('\t')).Select(f => new DayPartition(
            DateOnly.ParseExact(f[0], "yyyyMMdd", CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
            long.Parse(f[2], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The day's rows and newest ingest time through <c>FINAL</c>: what the archive is checked against.</summary>
    public async Task<DayCheck> CheckAsync(DateOnly day, CancellationToken cancellation)
    {
        var text = await clickHouse.QueryAsync(
            $"SELECT count(), max(ingested_at_ms) FROM {store.EventsTable} FINAL WHERE event_date = '{ArchiveLayout.Day(day)}'{SameReplicas} FORMAT TabSeparated",
            cancellation).ConfigureAwait(false);
        var f = text.Trim().Split('\t');
        var rows = long.Parse(f[0], CultureInfo.InvariantCulture);
        return rows == 0 ? DayCheck.Empty : new DayCheck(rows, long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Streams the day's rows, through <c>FINAL</c>, sorted by event time then id, to <paramref name="each"/>.</summary>
    public Task ExportAsync(DateOnly day, Func<ArchiveRow, ValueTask> each, CancellationToken cancellation) =>
        clickHouse.ReadAsync(
            $"SELECT {ExportColumns} FROM {store.EventsTable} FINAL WHERE event_date = '{ArchiveLayout.Day(day)}' " +
            $"ORDER BY event_time_ms, event_id{SameReplicas} FORMAT RowBinary",
            async (body, ct) =>
            {
                var rows = new RowBinaryEvents(body);
                while (await rows.NextAsync(ct).ConfigureAwait(false) is { } row) await each(row).ConfigureAwait(false);
            }, cancellation);

    /// <summary>
    /// On a cluster, every read of the archive goes to each shard's first replica that answers (<c>load_balancing =
    /// 'in_order'</c>) — the replica the sink writes the shard's batches to — instead of a random one: the count a day is
    /// checked against and the rows exported come from the same copies, not from a replica still fetching the last inserts.
    /// </summary>
    private string SameReplicas => store.IsCluster ? " SETTINGS load_balancing = 'in_order'" : "";

    /// <summary>Drops the day partition (on a cluster, from every replica of every shard).</summary>
    public Task DropAsync(DateOnly day, CancellationToken cancellation) =>
        clickHouse.QueryAsync(store.IsCluster
            ? $"ALTER TABLE {store.Local(store.EventsTable)} ON CLUSTER {store.ClusterName} DROP PARTITION '{ArchiveLayout.Day(day)}'"
            : $"ALTER TABLE {store.EventsTable} DROP PARTITION '{ArchiveLayout.Day(day)}'", cancellation);

    /// <summary>Compressed bytes of the day's active parts (one server; 0 on a cluster): what the benchmark compares Parquet with.</summary>
    public async Task<long> CompressedBytesAsync(DateOnly day, CancellationToken cancellation)
    {
        if (store.IsCluster) return 0;
        var text = await clickHouse.QueryAsync(
            $"SELECT sum(data_compressed_bytes) FROM system.parts WHERE database = {ClickHouseSql.Quote(store.Database)} AND table = {ClickHouseSql.Quote(store.Table)} " +
            $"AND active AND partition_id = '{day:yyyyMMdd}' FORMAT TabSeparated", cancellation).ConfigureAwait(false);
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static DateOnly ParseDay(string text) => DateOnly.ParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
