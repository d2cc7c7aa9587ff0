using SiemActors.Domain.Events;
using SiemActors.Domain.Serialization;

namespace SiemActors.Archive;

/// <summary>An event found in the archive: its time and id (the history's order and cursor) and its event JSON, marked <c>"archived": true</c>.</summary>
public sealed record ArchivedEvent(long TimestampMs, string EventId, byte[] Json);

/// <summary>
/// History search in the archive: the days of a time range that have a manifest, newest first, their parts that
/// overlap the range read row group by row group, each row tested with the filter's compiled predicate (the same
/// predicate the live view uses), in the history's order (event time, then id, both descending) after a cursor. It
/// keeps only the best <c>limit + 1</c> rows while it reads, and stops at the first day older than a full page.
/// </summary>
public sealed class ArchiveSearch(ArchiveObjects archive)
{
    /// <param name="days">The days to read (those the caller takes from the archive).</param>
    /// <param name="fromMs">Event time from, inclusive.</param>
    /// <param name="toMs">Event time to, exclusive.</param>
    /// <param name="match">The filter.</param>
    /// <param name="limit">Rows wanted; one more is returned when there are more.</param>
    /// <param name="cursor">Continue strictly after this (time, id), in descending order.</param>
    /// <param name="cancellation">Stops the read.</param>
    public async Task<IReadOnlyList<ArchivedEvent>> SearchAsync(IEnumerable<DateOnly> days, long fromMs, long toMs, Func<SecurityEvent, bool> match,
        int limit, (long Ms, string Id)? cursor, CancellationToken cancellation)
    {
        var best = new PriorityQueue<EnrichedEvent, (long, string)>(Comparer<(long Ms, string Id)>.Create(Ascending));
        foreach (var day in days.OrderDescending())
        {
            if (best.Count > limit) break; // a full page is newer than anything of this day
            var manifest = await archive.ManifestAsync(day, cancellation).ConfigureAwait(false);
            if (manifest is null) continue;
            foreach (var part in manifest.Parts.Where(p => p.MaxEventTimeMs >= fromMs && p.MinEventTimeMs < toMs))
            {
                await foreach (var group in Guarded(archive.RowGroupsAsync(part, cancellation), part).ConfigureAwait(false))
                {
                    foreach (var row in group)
                    {
                        var ms = row.TimestampMs;
                        if (ms < fromMs || ms >= toMs) continue;
                        if (cursor is { } c && (ms > c.Ms || ms == c.Ms && string.CompareOrdinal(row.EventId, c.Id) >= 0)) continue;
                        var key = (ms, row.EventId);
                        if (best.Count > limit && Ascending(key, PeekKey(best)) <= 0) continue;
                        var enriched = row.ToEvent();
                        if (!match(enriched.Event)) continue;
                        best.Enqueue(enriched, key);
                        if (best.Count > limit + 1) best.Dequeue();
                    }
                }
            }
        }
        var found = new List<ArchivedEvent>(best.Count);
        while (best.TryDequeue(out var enriched, out var key)) found.Add(new ArchivedEvent(key.Item1, key.Item2, Marked(EventJson.ToUtf8(enriched))));
        found.Reverse();
        return found;
    }

    /// <summary>A part that does not read as Parquet (damaged in the store) fails the search naming it, instead of with the reader's error alone.</summary>
    private static async IAsyncEnumerable<IList<ArchiveRow>> Guarded(IAsyncEnumerable<IList<ArchiveRow>> groups, ArchivePart part)
    {
        await using var e = groups.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync().ConfigureAwait(false)) yield break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !ArchiveStoreErrors.IsStoreFailure(ex))
            {
                throw new ArchiveCorruptException($"{part.Key} cannot be read as Parquet ({ex.Message}): check it with siemctl archive verify");
            }
            yield return e.Current;
        }
    }

    /// <summary>The event JSON with <c>"archived": true</c> as its last field: where it was found, for the answer and the UI.</summary>
    private static byte[] Marked(byte[] json)
    {
        var marker = ",\"archived\":true}"u8;
        var marked = new byte[json.Length - 1 + marker.Length];
        json.AsSpan(0, json.Length - 1).CopyTo(marked);
        marker.CopyTo(marked.AsSpan(json.Length - 1));
        return marked;
    }

    private static (long, string) PeekKey(PriorityQueue<EnrichedEvent, (long, string)> queue) => queue.TryPeek(out _, out var key) ? key : default;

    private static int Ascending((long Ms, string Id) a, (long Ms, string Id) b) =>
        a.Ms != b.Ms ? a.Ms.CompareTo(b.Ms) : string.CompareOrdinal(a.Id, b.Id);
}
