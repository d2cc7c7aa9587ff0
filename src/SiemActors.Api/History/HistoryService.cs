using System.Text.Json;
using SiemActors.Api.Live;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.History;

/// <summary>A page of history: events newest first, and the cursor of the next page (null on the last).</summary>
public sealed record HistoryPage(string Filter, long From, long To, int Limit, IReadOnlyList<RawJson> Events, string? NextCursor);

/// <summary>Events of one source at one severity within the stats window.</summary>
public sealed record StatsRow(string Source, int Severity, string SeverityName, long Events);

public sealed record StatsPage(long From, long To, long Total, IReadOnlyList<StatsRow> Rows);

/// <summary>
/// Runs history searches and stats on ClickHouse, each bounded by <c>query-timeout</c> (<see cref="StoreQuery"/>).
/// </summary>
public sealed class HistoryService(ClickHouseHttpClient clickHouse, ClickHouseSinkSettings store, HistorySettings settings)
{
    public async Task<HistoryPage> SearchAsync(HistoryRequest request, CancellationToken cancellation)
    {
        var text = await QueryAsync(HistorySql.Search(store.EventsTable, request), cancellation);
        var events = new List<RawJson>(request.Limit);
        HistoryCursor? last = null;
        var more = false;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (events.Count == request.Limit)
            {
                more = true;
                break;
            }
            using var row = JsonDocument.Parse(line);
            events.Add(new RawJson(HistoryRows.ToEventJson(row.RootElement)));
            last = new HistoryCursor(HistoryRows.Long(row.RootElement, "event_time_ms"), HistoryRows.Text(row.RootElement, "event_id"));
        }
        return new HistoryPage(FilterPrinter.Print(request.Filter), request.FromMs, request.ToMs, request.Limit, events,
            more && last is not null ? last.Encode() : null);
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
