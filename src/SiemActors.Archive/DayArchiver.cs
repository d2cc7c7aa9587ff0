using Akka.Event;

namespace SiemActors.Archive;

/// <summary>What archiving a day did.</summary>
public sealed record DayResult(DateOnly Day, long RowsWritten, long BytesWritten, int PartsWritten, DayManifest? Manifest)
{
    public static DayResult Nothing(DateOnly day, DayManifest? manifest) => new(day, 0, 0, 0, manifest);
}

/// <summary>Whether a day past retention was dropped from ClickHouse, and if not, why.</summary>
public sealed record DropResult(DateOnly Day, bool Dropped, string? Blocked);

/// <summary>
/// Archives one closed day and drops it once it is safe, crash-safe at every step:
/// <list type="number">
/// <item>Objects of the day's folder that its manifest does not name — debris of an export that died before its manifest —
/// are deleted.</item>
/// <item>The day's rows are streamed from ClickHouse (<c>FINAL</c>, event-time order) into parts of at most
/// <c>part-max-rows</c>, each uploaded under the next number after the manifest's parts: a retry writes the same names.
/// Rows whose store key the archive already holds are skipped (the late-event path: an archived day that gained rows).</item>
/// <item>The manifest is written last, naming the parts and the ClickHouse count and newest ingest time every row was
/// checked against. Until it exists, the day is not archived; once it does, it is archived once.</item>
/// <item>Past retention, the partition is dropped only while ClickHouse still answers that count and ingest time.</item>
/// </list>
/// </summary>
public sealed class DayArchiver(ClickHouseDays clickHouse, ArchiveObjects archive, ArchiveSettings settings, ILoggingAdapter log,
    ArchiveStepHook? hook = null)
{
    /// <summary>Brings the archive of <paramref name="day"/> up to what ClickHouse holds of it.</summary>
    public async Task<DayResult> ArchiveAsync(DateOnly day, CancellationToken cancellation)
    {
        var manifest = await archive.ManifestAsync(day, cancellation).ConfigureAwait(false);
        var check = await clickHouse.CheckAsync(day, cancellation).ConfigureAwait(false);
        if (manifest is not null && Matches(manifest, check)) return DayResult.Nothing(day, manifest);
        if (check.Rows == 0)
        {
            if (manifest is null) return DayResult.Nothing(day, null);
            // Dropped (a crash came between the drop and the manifest saying so): ClickHouse holds nothing of the day.
            var emptied = manifest with { ClickHouseRows = 0, ClickHouseMaxIngestedMs = 0, UpdatedAtMs = Now() };
            await archive.WriteManifestAsync(emptied, cancellation).ConfigureAwait(false);
            return DayResult.Nothing(day, emptied);
        }
        await DeleteDebrisAsync(day, manifest, cancellation).ConfigureAwait(false);

        var archived = manifest is null ? null : await archive.KeysAsync(manifest, cancellation).ConfigureAwait(false);
        var parts = new List<ArchivePart>(manifest?.Parts ?? []);
        var before = parts.Count;
        long streamed = 0;
        ParquetPart? current = null;
        async Task SealAsync()
        {
            parts.Add(await UploadAsync(day, parts.Count, current!, cancellation).ConfigureAwait(false));
            current!.Dispose();
            current = null;
        }
        try
        {
            await clickHouse.ExportAsync(day, async row =>
            {
                streamed++;
                if (archived is not null && archived.Contains(ArchiveObjects.KeyHash(row.Source, Sinks.ClickHouse.EventRows.Seconds(row.TimestampMs), row.EventId)))
                    return;
                current ??= new ParquetPart(settings);
                await current.AddAsync(row, cancellation).ConfigureAwait(false);
                if (current.Rows >= settings.PartMaxRows) await SealAsync().ConfigureAwait(false);
            }, cancellation).ConfigureAwait(false);
            if (current is not null) await SealAsync().ConfigureAwait(false);
        }
        finally
        {
            current?.Dispose();
        }
        var added = parts.Skip(before).ToList();
        long written = added.Sum(p => p.Rows), bytes = added.Sum(p => p.Bytes);

        // The export read one snapshot of the day. If the day did not change meanwhile, that snapshot had check.Rows
        // rows, and anything else means rows went missing on the way: nothing is written, the next pass starts over.
        var after = await clickHouse.CheckAsync(day, cancellation).ConfigureAwait(false);
        if (after == check && streamed != check.Rows)
            throw new InvalidDataException($"day {ArchiveLayout.Day(day)}: ClickHouse counts {check.Rows} rows but the export gave {streamed}; not archived");
        // When the day changed during the export, the manifest keeps the count from before: the next pass sees the
        // difference and takes the rows it does not have (the archived ones it skips by their keys).
        var updated = new DayManifest(ArchiveLayout.Day(day), parts.Sum(p => p.Rows),
            parts.Count == 0 ? 0 : parts.Min(p => p.MinEventTimeMs), parts.Count == 0 ? 0 : parts.Max(p => p.MaxEventTimeMs),
            check.Rows, check.MaxIngestedMs, parts, Now());
        await archive.WriteManifestAsync(updated, cancellation).ConfigureAwait(false);
        await Hook(ArchiveStep.ManifestWritten, day).ConfigureAwait(false);
        if (written > 0)
            log.Info("Archived {0}{1}: {2} rows, {3} bytes in {4} part(s); the archive holds {5} rows of the day", ArchiveLayout.Day(day),
                manifest is null ? "" : " (late events)", written, bytes, added.Count, updated.Rows);
        return new DayResult(day, written, bytes, added.Count, updated);
    }

    /// <summary>Drops a day past retention from ClickHouse if the archive holds all of it; else says why not.</summary>
    public async Task<DropResult> DropAsync(DateOnly day, CancellationToken cancellation)
    {
        var manifest = await archive.ManifestAsync(day, cancellation).ConfigureAwait(false);
        var check = await clickHouse.CheckAsync(day, cancellation).ConfigureAwait(false);
        if (check.Rows == 0) return new DropResult(day, false, null);
        if (manifest is null)
            return new DropResult(day, false, $"day {ArchiveLayout.Day(day)} is past retention but not archived (no manifest): kept in ClickHouse");
        if (!Matches(manifest, check))
            return new DropResult(day, false,
                $"day {ArchiveLayout.Day(day)} is past retention but ClickHouse holds {check.Rows} rows (newest ingest {check.MaxIngestedMs}) and the archive " +
                $"was checked against {manifest.ClickHouseRows} (newest ingest {manifest.ClickHouseMaxIngestedMs}): kept in ClickHouse until they are archived");
        await clickHouse.DropAsync(day, cancellation).ConfigureAwait(false);
        await Hook(ArchiveStep.Dropped, day).ConfigureAwait(false);
        await archive.WriteManifestAsync(manifest with { ClickHouseRows = 0, ClickHouseMaxIngestedMs = 0, UpdatedAtMs = Now() }, cancellation).ConfigureAwait(false);
        log.Info("Dropped {0} from ClickHouse: its {1} rows are in the archive", ArchiveLayout.Day(day), check.Rows);
        return new DropResult(day, true, null);
    }

    private async Task<ArchivePart> UploadAsync(DateOnly day, int number, ParquetPart part, CancellationToken cancellation)
    {
        var file = await part.CompleteAsync(cancellation).ConfigureAwait(false);
        var key = ArchiveLayout.PartKey(day, number);
        await archive.Store.PutFileAsync(key, file.Path, cancellation).ConfigureAwait(false);
        await Hook(ArchiveStep.PartUploaded, day).ConfigureAwait(false);
        return new ArchivePart(key, file.Rows, file.Bytes, file.Sha256, file.MinEventTimeMs, file.MaxEventTimeMs, Now());
    }

    /// <summary>Deletes the objects of the day's folder its manifest does not name (all of them when it has none).</summary>
    private async Task DeleteDebrisAsync(DateOnly day, DayManifest? manifest, CancellationToken cancellation)
    {
        var named = manifest?.Parts.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        named.Add(ArchiveLayout.ManifestKey(day));
        foreach (var o in await archive.Store.ListAsync(ArchiveLayout.DayFolder(day), cancellation).ConfigureAwait(false))
        {
            if (named.Contains(o.Key)) continue;
            await archive.Store.DeleteAsync(o.Key, cancellation).ConfigureAwait(false);
            log.Warning("Deleted {0}: an object no manifest names (an export interrupted before its manifest)", o.Key);
        }
    }

    private static bool Matches(DayManifest manifest, DayCheck check) =>
        manifest.ClickHouseRows == check.Rows && manifest.ClickHouseMaxIngestedMs == check.MaxIngestedMs;

    private ValueTask Hook(ArchiveStep step, DateOnly day) => hook?.Invoke(step, day) ?? ValueTask.CompletedTask;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
