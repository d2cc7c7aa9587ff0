using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;

namespace SiemActors.Archive.Tests;

/// <summary>
/// Reads the archive the way another tool would, with nothing of the writer: every object of the prefix downloaded as
/// it is (debris included, so a stray object counts), then DuckDB's <c>read_parquet</c> over the Hive-style folders.
/// Rows come out in one canonical text per row, and ClickHouse's rows (through <c>FINAL</c>) in the same text, so every
/// column of every row can be compared.
/// </summary>
public static class IndependentReader
{
    public static async Task<string> Download(ArchiveWorld world)
    {
        var dir = Path.Combine(Path.GetTempPath(), "siem-archive-read-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var o in await world.Store.ListAsync("events/", CancellationToken.None))
        {
            var path = Path.Combine(dir, o.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await world.Store.DownloadAsync(o.Key, path, CancellationToken.None);
        }
        return dir;
    }

    /// <summary>Downloads the archive, reads every row with DuckDB (<see cref="DuckDbRows"/>) and removes the copy.</summary>
    public static async Task<List<string>> Rows(ArchiveWorld world)
    {
        var dir = await Download(world);
        try
        {
            return DuckDbRows(dir);
        }
        finally
        {
            Delete(dir);
        }
    }

    /// <summary>The canonical text of every row DuckDB reads from the downloaded archive (empty when there is no part).</summary>
    public static List<string> DuckDbRows(string dir)
    {
        if (!Directory.Exists(dir) || Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories).Length == 0) return [];
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"""
            SELECT concat_ws('|', CAST(date AS VARCHAR), event_id, CAST(epoch_ms(timestamp) AS VARCHAR), CAST(epoch_ms(ingested_at) AS VARCHAR), source, host,
              CAST(severity AS VARCHAR), coalesce(category, ''), coalesce(action, ''), coalesce(outcome, ''), coalesce(src_ip, ''),
              coalesce(CAST(src_port AS VARCHAR), ''), coalesce(dst_ip, ''), coalesce(CAST(dst_port AS VARCHAR), ''), coalesce(user, ''),
              coalesce(process, ''), message, array_to_string(tags, ','),
              array_to_string(list_transform(map_entries(attributes), e -> e.key || '=' || e.value), ','),
              coalesce(CAST(epoch_ms(host_first_seen) AS VARCHAR), ''), coalesce(CAST(host_seq AS VARCHAR), ''), coalesce(CAST(host_rate_1m AS VARCHAR), ''),
              topic, CAST("partition" AS VARCHAR), CAST("offset" AS VARCHAR), raw)
            FROM read_parquet('{dir}/events/*/*.parquet', hive_partitioning = true)
            """;
        var rows = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }

    /// <summary>DuckDB's view of the archive's types, column by column (<c>DESCRIBE</c>).</summary>
    public static Dictionary<string, string> DuckDbTypes(string dir)
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{dir}/events/*/*.parquet', hive_partitioning = true)";
        var types = new Dictionary<string, string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) types[reader.GetString(0)] = reader.GetString(1);
        return types;
    }

    /// <summary>ClickHouse's rows of the days (through FINAL) in the same canonical text.</summary>
    public static async Task<List<string>> ClickHouseRows(ArchiveWorld world, IEnumerable<DateOnly> days)
    {
        var list = string.Join(", ", days.Select(d => $"'{ArchiveLayout.Day(d)}'"));
        var text = await world.Client.QueryAsync($"""
            SELECT concat(toString(event_date), '|', event_id, '|', toString(event_time_ms), '|', toString(ingested_at_ms), '|', source, '|', host, '|',
              toString(severity), '|', category, '|', action, '|', outcome, '|', src_ip, '|', ifNull(toString(src_port), ''), '|', dst_ip, '|',
              ifNull(toString(dst_port), ''), '|', user, '|', process, '|', message, '|', arrayStringConcat(tags, ','), '|',
              arrayStringConcat(arrayMap((k, v) -> concat(k, '=', v), attribute_keys, attribute_values), ','), '|',
              if(host_seq > 0, toString(host_first_seen_ms), ''), '|', if(host_seq > 0, toString(host_seq), ''), '|',
              if(host_seq > 0, toString(host_rate_1m), ''), '|', topic, '|', toString(partition), '|', toString(offset), '|', raw) AS line
            FROM {world.ClickHouse.EventsTable} FINAL WHERE event_date IN ({list}) FORMAT JSONEachRow
            """);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("line").GetString()!).ToList();
    }

    public static void Delete(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
