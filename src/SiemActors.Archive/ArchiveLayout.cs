using System.Globalization;

namespace SiemActors.Archive;

/// <summary>
/// The archive's keys, relative to its location (Hive-style partitions, so DuckDB, Trino, Athena and Spark read the
/// day as a column):
/// <code>
/// events/date=2026-11-29/part-0.parquet     rows of the day, sorted by event time
/// events/date=2026-11-29/part-1.parquet     ... the next part (a large day, or late events)
/// events/date=2026-11-29/_manifest.json     written last: the day is archived once this names its parts
/// </code>
/// Part names are deterministic — the next number after the manifest's parts — so a retried export writes the same
/// keys again instead of adding objects; an object no manifest names is the debris of an interrupted export, deleted
/// on the next pass. Names starting with <c>_</c> are skipped by Hive-style readers.
/// </summary>
public static class ArchiveLayout
{
    public const string EventsFolder = "events";

    public static string DayFolder(DateOnly day) => $"{EventsFolder}/date={Day(day)}/";

    public static string PartKey(DateOnly day, int part) => $"{DayFolder(day)}part-{part.ToString(CultureInfo.InvariantCulture)}.parquet";

    public static string ManifestKey(DateOnly day) => DayFolder(day) + "_manifest.json";

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The day a key of this layout belongs to, if it is one.</summary>
    public static DateOnly? DayOf(string key)
    {
        const string marker = "/date=";
        var at = key.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || key.Length < at + marker.Length + 10) return null;
        return DateOnly.TryParseExact(key.AsSpan(at + marker.Length, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : null;
    }
}
