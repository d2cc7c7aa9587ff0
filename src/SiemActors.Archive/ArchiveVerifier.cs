namespace SiemActors.Archive;

/// <summary>What verifying a day found: the rows its objects hold and every difference from the manifest.</summary>
public sealed record DayVerification(DateOnly Day, long ManifestRows, long ObjectRows, int Parts, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Recounts a day's objects against its manifest (<c>siemctl archive verify</c>): every part named is there, of its
/// size and SHA-256, and its Parquet footer counts the rows the manifest says; the parts add up to the day's rows; and
/// no object in the day's folder is one the manifest does not name.
/// </summary>
public sealed class ArchiveVerifier(ArchiveObjects archive)
{
    public async Task<DayVerification> VerifyAsync(DateOnly day, CancellationToken cancellation)
    {
        var manifest = await archive.ManifestAsync(day, cancellation).ConfigureAwait(false);
        if (manifest is null) return new DayVerification(day, 0, 0, 0, [$"{ArchiveLayout.ManifestKey(day)} does not exist: the day is not archived"]);
        var problems = new List<string>();
        var objects = (await archive.Store.ListAsync(ArchiveLayout.DayFolder(day), cancellation).ConfigureAwait(false)).ToDictionary(o => o.Key);
        long rows = 0;
        foreach (var part in manifest.Parts)
        {
            if (!objects.TryGetValue(part.Key, out var stored))
            {
                problems.Add($"{part.Key} is missing");
                continue;
            }
            if (stored.Size != part.Bytes) problems.Add($"{part.Key} holds {stored.Size} bytes, the manifest says {part.Bytes}");
            var inspected = await archive.InspectAsync(part, cancellation).ConfigureAwait(false);
            if (inspected.Sha256 != part.Sha256) problems.Add($"{part.Key} has SHA-256 {inspected.Sha256}, the manifest says {part.Sha256}");
            if (inspected.Rows is not { } counted)
            {
                problems.Add($"{part.Key} cannot be read as Parquet: {inspected.ReadError}");
                continue;
            }
            if (counted != part.Rows) problems.Add($"{part.Key} holds {counted} rows, the manifest says {part.Rows}");
            rows += counted;
        }
        if (manifest.Parts.Sum(p => p.Rows) != manifest.Rows)
            problems.Add($"the manifest's parts add up to {manifest.Parts.Sum(p => p.Rows)} rows, it says {manifest.Rows}");
        var named = manifest.Parts.Select(p => p.Key).Append(ArchiveLayout.ManifestKey(day)).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(objects.Keys.Where(k => !named.Contains(k)).Select(k => $"{k} is not named by the manifest (debris of an interrupted export)"));
        return new DayVerification(day, manifest.Rows, rows, manifest.Parts.Count, problems);
    }
}
