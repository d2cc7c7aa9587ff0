using System.Text.Json;
using System.Text.Json.Serialization;

namespace SiemActors.Archive;

/// <summary>One object of an archived day: its key, rows, size, SHA-256 (hex) and event-time bounds (Unix ms).</summary>
public sealed record ArchivePart(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("min_event_time_ms")] long MinEventTimeMs,
    [property: JsonPropertyName("max_event_time_ms")] long MaxEventTimeMs,
    [property: JsonPropertyName("written_at_ms")] long WrittenAtMs);

/// <summary>
/// What the archive holds of one day, written after its parts (the day counts as archived once this exists). The
/// ClickHouse check is what the day's rows in ClickHouse were (<c>count()</c> and newest <c>ingested_at_ms</c>, through
/// <c>FINAL</c>) when every one of them was known to be in the archive: retention drops the day only while ClickHouse
/// still answers exactly that.
/// </summary>
public sealed record DayManifest(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("min_event_time_ms")] long MinEventTimeMs,
    [property: JsonPropertyName("max_event_time_ms")] long MaxEventTimeMs,
    [property: JsonPropertyName("clickhouse_rows")] long ClickHouseRows,
    [property: JsonPropertyName("clickhouse_max_ingested_ms")] long ClickHouseMaxIngestedMs,
    [property: JsonPropertyName("parts")] IReadOnlyList<ArchivePart> Parts,
    [property: JsonPropertyName("updated_at_ms")] long UpdatedAtMs,
    [property: JsonPropertyName("format")] int Format = DayManifest.CurrentFormat)
{
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public DateOnly Day => DateOnly.ParseExact(Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a manifest; one that does not parse or is of a later format throws <see cref="ArchiveCorruptException"/>.</summary>
    public static DayManifest Parse(ReadOnlySpan<byte> json, string key)
    {
        DayManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DayManifest>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new ArchiveCorruptException($"{key} is not a manifest: {ex.Message}");
        }
        if (manifest?.Parts is null || manifest.Date is null) throw new ArchiveCorruptException($"{key} is not a manifest: fields missing");
        if (manifest.Format > CurrentFormat) throw new ArchiveCorruptException($"{key} is of format {manifest.Format}; this version reads up to {CurrentFormat}");
        return manifest;
    }
}

/// <summary>The archive holds something this version cannot take as it is: it is reported, never overwritten.</summary>
public sealed class ArchiveCorruptException(string message) : Exception(message);
