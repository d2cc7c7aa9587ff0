using System.Text.Json;
using SiemActors.Api.Live;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.History;

/// <summary>
/// A page of history: events newest first, and the cursor of the next page (null on the last). <c>ArchiveDays</c> names
/// the days of the range read from the archive (past ClickHouse's retention); their events carry <c>"archived": true</c>.
/// </summary>
public sealed record HistoryPage(string Filter, long From, long To, int Limit, IReadOnlyList<RawJson> Events, string? NextCursor,
    IReadOnlyList<string> ArchiveDays);

/// <summary>Events of one source at one severity within the stats window.</summary>
public sealed record StatsRow(string Source, int Severity, string SeverityName, long Events);

public sealed record StatsPage(long From, long To, long Total, IReadOnlyList<StatsRow> Rows);

/// <summary>
/// Runs history searches and stats on ClickHouse, each bounded by <c>query-timeout</c> (<see cref="StoreQuery"/>). With
/// the archive on, a search whose range reaches past ClickHouse's retention also reads those days from the archive
/// (<see cref="ArchiveTier"/>) and merges both in the same order, one event once (ClickHouse's copy of an event both
/// hold — a late event not yet archived, a day kept past retention — wins).
/// </summary>
public sealed class HistoryService(ClickHouseHttpClient clickHouse, ClickHouseSinkSettings store, HistorySettings settings, ArchiveTier? archive = null)
{
    public async Task<HistoryPage> SearchAsync(HistoryRequest request, CancellationToken cancellation, DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        var days = archive?.Days(request.FromMs, request.ToMs, at) ?? [];
        // The archive is read while ClickHouse answers; if ClickHouse fails, the archive's read is stopped and awaited
        // before the error goes up, so that no read outlives its request.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var archived = days.Count == 0 || archive is null
            ? Task.FromResult<IReadOnlyList<SiemActors.Archive.ArchivedEvent>>([])
            : archive.SearchAsync(days, request, at.ToUnixTimeMilliseconds(), settings.QueryTimeout, abandon.Token);
        string text;
        try
        {
            text = await QueryAsync(HistorySql.Search(store.EventsTable, request), cancellation);
        }
        catch
        {
            await abandon.CancelAsync();
            await archived.ContinueWith(static _ => { }, TaskScheduler.Default);
            throw;
        }
        var found = new List<(long Ms, string Id, byte[] Json)>(request.Limit + 1);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var row = JsonDocument.Parse(line);
            found.Add((HistoryRows.Long(row.RootElement, "event_time_ms"), HistoryRows.Text(row.RootElement, "event_id"), HistoryRows.ToEventJson(row.RootElement)));
        }
        var fromClickHouse = found.Select(f => (f.Ms, f.Id)).ToHashSet();
        var fromArchive = await archived;
        foreach (var e in fromArchive)
            if (!fromClickHouse.Contains((e.TimestampMs, e.EventId))) found.Add((e.TimestampMs, e.EventId, e.Json));
        found.Sort((a, b) => a.Ms != b.Ms ? b.Ms.CompareTo(a.Ms) : string.CompareOrdinal(b.Id, a.Id));

        var page = found.Take(request.Limit).ToList();
        var more = found.Count > request.Limit;
        return new HistoryPage(FilterPrinter.Print(request.Filter), request.FromMs, request.ToMs, request.Limit, page.Select(p => new RawJson(p.Json)).ToList(),
            more && page.Count > 0 ? new HistoryCursor(page[^1].Ms, page[^1].Id, (request.Cursor?.Served ?? 0) + page.Count).Encode() : null, days.Select(SiemActors.Archive.ArchiveLayout.Day).ToList());
    }

    public async Task<StatsPage> StatsAsync(long fromMs, long toMs, CancellationToken cancellation)
    {
        var text = await QueryAsync(HistorySql.Stats(store.EventsTable, fromMs, toMs), cancellation);
        var rows = new List<StatsRow>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var row = JsonDocument.Parse(line);
            var severity = (int)Math.Clamp(HistoryRows.Long(row.RootElement, "severity"), 0, 7);
            rows.Add(new StatsRow(HistoryRows.Text(row.RootElement, "source"), severity, ((Severity)severity).Name(),
                HistoryRows.Long(row.RootElement, "events")));
        }
        return new StatsPage(fromMs, toMs, rows.Sum(r => r.Events), rows);
    }

    private Task<string> QueryAsync(string sql, CancellationToken cancellation) => StoreQuery.RunAsync(clickHouse, sql, settings, cancellation);
}
