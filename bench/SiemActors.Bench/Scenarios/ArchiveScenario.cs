using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using Akka.Event;
using SiemActors.Archive;
using SiemActors.Sinks.ClickHouse;
using SiemActors.Testing;

namespace SiemActors.Bench.Scenarios;

/// <summary>One day's export: rows, seconds, Parquet bytes against ClickHouse's compressed bytes for the same day.</summary>
public sealed record ArchiveDayResult(string Day, long Rows, double Seconds, long ParquetBytes, long ClickHouseCompressedBytes, int Parts)
{
    public double RowsPerSecond => Rows / Seconds;

    public double MiBPerSecond => ParquetBytes / 1048576.0 / Seconds;

    public double ParquetBytesPerEvent => (double)ParquetBytes / Rows;

    public double ClickHouseBytesPerEvent => (double)ClickHouseCompressedBytes / Rows;
}

/// <summary>
/// siem-bench archive: days of generated events (<see cref="GeneratedEvents"/>, every column varied) in a ClickHouse
/// database of its own, exported one day at a time by the archive's own code (<see cref="DayArchiver"/>: FINAL export,
/// Parquet, upload, manifest) to the target, timed per day; then dropped. Reports rows/s, MiB/s of Parquet written and
/// bytes per event in Parquet against ClickHouse's compressed bytes for the same day (system.parts).
/// </summary>
public sealed class ArchiveScenario(int days, int rowsPerDay, string clickHouseUrl, string target, string s3Endpoint, string archiveHocon = "")
{
    public async Task<IReadOnlyList<ArchiveDayResult>> RunAsync()
    {
        var database = "bench_archive_" + Guid.NewGuid().ToString("N")[..8];
        var clickHouse = ClickHouseSinkSettings.Create(ConfigurationFactory.ParseString(
            $"siem.sinks.clickhouse {{ url = \"{clickHouseUrl}\", database = {database}, request-timeout = 600s }}"));
        var settings = ArchiveSettings.Create(ConfigurationFactory.ParseString(
            $"siem.archive {{ enabled = true, target = \"{target.TrimEnd('/')}/{database}\", s3.endpoint = \"{s3Endpoint}\" }}\n{archiveHocon}"));
        using var client = new ClickHouseHttpClient(clickHouse, NoLogger.Instance);
        using var store = ArchiveStores.Open(settings);
        var objects = new ArchiveObjects(store, settings.SpillDir);
        var chDays = new ClickHouseDays(client, clickHouse);
        var archiver = new DayArchiver(chDays, objects, settings, NoLogger.Instance);
        var results = new List<ArchiveDayResult>();
        try
        {
            foreach (var statement in EventsSchema.Statements(clickHouse)) await client.QueryAsync(statement);
            var first = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-100);
            for (var d = 0; d < days; d++)
            {
                var day = first.AddDays(d);
                Console.WriteLine($"archive: generating {rowsPerDay:N0} events for {ArchiveLayout.Day(day)} in ClickHouse");
                await client.QueryAsync(GeneratedEvents.InsertSql(clickHouse.EventsTable, day, rowsPerDay, $"b{d}", 1_700_000_000_000));
                await client.QueryAsync($"OPTIMIZE TABLE {clickHouse.EventsTable} PARTITION '{ArchiveLayout.Day(day)}' FINAL");
                var compressed = await chDays.CompressedBytesAsync(day, CancellationToken.None);
                var clock = Stopwatch.StartNew();
                var result = await archiver.ArchiveAsync(day, CancellationToken.None);
                clock.Stop();
                results.Add(new ArchiveDayResult(ArchiveLayout.Day(day), result.RowsWritten, clock.Elapsed.TotalSeconds, result.BytesWritten, compressed, result.PartsWritten));
                var r = results[^1];
                Console.WriteLine($"archive: {r.Day}: {r.Rows:N0} rows in {r.Seconds:N1} s = {r.RowsPerSecond:N0} rows/s, {r.MiBPerSecond:N1} MiB/s; " +
                                  $"Parquet {r.ParquetBytesPerEvent:N1} B/event, ClickHouse {r.ClickHouseBytesPerEvent:N1} B/event");
            }
        }
        finally
        {
            await client.QueryAsync($"DROP DATABASE IF EXISTS {database}");
            foreach (var o in await store.ListAsync("", CancellationToken.None)) await store.DeleteAsync(o.Key, CancellationToken.None);
        }
        return results;
    }

    public static string Table(IReadOnlyList<ArchiveDayResult> results)
    {
        var lines = new List<string>
        {
            "| day | rows | seconds | rows/s | Parquet MiB/s | Parquet B/event | ClickHouse B/event | parts |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Day} | {r.Rows:N0} | {r.Seconds:N1} | {r.RowsPerSecond:N0} | {r.MiBPerSecond:N1} | {r.ParquetBytesPerEvent:N1} | {r.ClickHouseBytesPerEvent:N1} | {r.Parts} |")));
        return string.Join('\n', lines);
    }
}
