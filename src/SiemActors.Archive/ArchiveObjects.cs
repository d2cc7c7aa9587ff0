using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Parquet;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace SiemActors.Archive;

/// <summary>What one download of a part shows: its SHA-256, its footer's row count, or why it does not read as Parquet.</summary>
public sealed record PartInspection(string Sha256, long? Rows, string? ReadError);

/// <summary>Reads the archive's objects back: manifests, a part's rows row group by row group, a part's store keys.</summary>
public sealed class ArchiveObjects(IArchiveStore store, string spillDir)
{
    public IArchiveStore Store => store;

    public async Task<DayManifest?> ManifestAsync(DateOnly day, CancellationToken cancellation)
    {
        var key = ArchiveLayout.ManifestKey(day);
        var bytes = await store.GetBytesAsync(key, cancellation).ConfigureAwait(false);
        return bytes is null ? null : DayManifest.Parse(bytes, key);
    }

    /// <summary>Every day that has a manifest, oldest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> DaysAsync(CancellationToken cancellation) =>
        (await store.ListAsync(ArchiveLayout.EventsFolder + "/", cancellation).ConfigureAwait(false))
        .Where(o => o.Key.EndsWith("/_manifest.json", StringComparison.Ordinal))
        .Select(o => ArchiveLayout.DayOf(o.Key)).OfType<DateOnly>().Order().ToList();

    public Task WriteManifestAsync(DayManifest manifest, CancellationToken cancellation) =>
        store.PutBytesAsync(ArchiveLayout.ManifestKey(manifest.Day), manifest.ToJson(), cancellation);

    /// <summary>Downloads a part to the spill directory; the caller deletes the file.</summary>
    private async Task<string> DownloadAsync(ArchivePart part, CancellationToken cancellation)
    {
        Directory.CreateDirectory(spillDir);
        var path = Path.Combine(spillDir, $"siem-archive-read-{Guid.NewGuid():N}.parquet");
        await store.DownloadAsync(part.Key, path, cancellation).ConfigureAwait(false);
        return path;
    }

    /// <summary>Downloads a part, hands the local copy to <paramref name="read"/>, and deletes it.</summary>
    private async Task<T> WithDownloadAsync<T>(ArchivePart part, Func<string, Task<T>> read, CancellationToken cancellation)
    {
        var path = await DownloadAsync(part, cancellation).ConfigureAwait(false);
        try
        {
            return await read(path).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The part's rows, one row group at a time.</summary>
    public async IAsyncEnumerable<IList<ArchiveRow>> RowGroupsAsync(ArchivePart part, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var path = await DownloadAsync(part, cancellation).ConfigureAwait(false);
        try
        {
            int groups;
            await using (var reader = await ParquetReader.CreateAsync(path, null, cancellation).ConfigureAwait(false)) groups = reader.RowGroupCount;
            for (var g = 0; g < groups; g++)
            {
                await using var file = File.OpenRead(path);
                yield return (await ParquetSerializer.DeserializeAsync<ArchiveRow>(file, null, g, cancellation).ConfigureAwait(false)).Data;
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The store keys (source, event second, id) of every row of the day's parts: what is archived of it.</summary>
    public async Task<HashSet<UInt128>> KeysAsync(DayManifest manifest, CancellationToken cancellation)
    {
        var keys = new HashSet<UInt128>();
        foreach (var part in manifest.Parts)
            await WithDownloadAsync(part, async path =>
            {
                await using var file = File.OpenRead(path);
                foreach (var row in (await ParquetSerializer.DeserializeAsync<KeyRow>(file, null, null, cancellation).ConfigureAwait(false)).Data)
                    keys.Add(KeyHash(row.Source, Sinks.ClickHouse.EventRows.Seconds(ArchiveRow.Ms(row.Timestamp)), row.EventId));
                return keys.Count;
            }, cancellation).ConfigureAwait(false);
        return keys;
    }

    /// <summary>
    /// The store key as 128 bits of SHA-256: what the late-event check holds per archived row (16 bytes; two different
    /// keys share one with a probability of about n²/2¹²⁹).
    /// </summary>
    public static UInt128 KeyHash(string source, long eventSeconds, string eventId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ArchiveRow.StoreKeyOf(source, eventSeconds, eventId)), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>
    /// What one download of a part shows: its SHA-256, recomputed from its bytes, and the rows its Parquet footer counts —
    /// or, when it does not read as Parquet (damaged in the store), why not.
    /// </summary>
    public Task<PartInspection> InspectAsync(ArchivePart part, CancellationToken cancellation) =>
        WithDownloadAsync(part, async path =>
        {
            string sha;
            await using (var file = File.OpenRead(path))
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellation).ConfigureAwait(false));
            try
            {
                await using var reader = await ParquetReader.CreateAsync(path, null, cancellation).ConfigureAwait(false);
                return new PartInspection(sha, reader.RowGroups.Sum(g => g.RowCount), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new PartInspection(sha, null, ex.Message);
            }
        }, cancellation);

    private sealed class KeyRow
    {
        [JsonPropertyName("event_id"), ParquetRequired] public string EventId { get; set; } = "";

        [JsonPropertyName("timestamp"), ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
        public DateTime Timestamp { get; set; }

        [JsonPropertyName("source"), ParquetRequired] public string Source { get; set; } = "";
    }
}
