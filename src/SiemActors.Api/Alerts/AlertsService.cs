using System.Text.Json;
using SiemActors.Api.History;
using SiemActors.Api.Live;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using SiemActors.Domain.Filtering;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.Alerts;

/// <summary>A page of alerts, newest detection first, in the JSON of <see cref="AlertJson"/>.</summary>
public sealed record AlertsPage(string Filter, long From, long To, int Limit, IReadOnlyList<RawJson> Alerts)
{
    /// <summary>Each alert's triage state, in the order of <see cref="Alerts"/>.</summary>
    public IReadOnlyList<AlertState> States { get; init; } = [];
}

/// <summary>
/// Searches the ClickHouse alerts table (creating it on first use, so an API node answers before any alert exists).
/// Timeouts as for history: 503 when ClickHouse cannot answer within <c>query-timeout</c>.
/// </summary>
public sealed class AlertsService(ClickHouseHttpClient clickHouse, ClickHouseSinkSettings store, HistorySettings settings, AlertTriage triage)
{
    private int _schemaReady;

    public async Task<AlertsPage> SearchAsync(HistoryRequest request, CancellationToken cancellation)
    {
        await EnsureSchemaAsync(cancellation);
        var text = await StoreQuery.RunAsync(clickHouse, AlertsSql.Search(store.AlertsTable, request), settings, cancellation);
        var rows = Rows(text);
        var alerts = rows.Select(a => new RawJson(AlertJson.ToUtf8(a))).ToList();
        return new AlertsPage(FilterPrinter.Print(request.Filter), request.FromMs, request.ToMs, request.Limit, alerts)
        {
            States = await triage.StatesAsync(rows.Select(a => a.AlertId).ToList(), cancellation),
        };
    }

    /// <summary>One alert by id, or null.</summary>
    public async Task<Alert?> GetAsync(string alertId, CancellationToken cancellation)
    {
        await EnsureSchemaAsync(cancellation);
        var text = await StoreQuery.RunAsync(clickHouse,
            $"SELECT {AlertsSql.Columns} FROM {store.AlertsTable} FINAL WHERE alert_id = {ClickHouseSql.Quote(alertId)} LIMIT 1 FORMAT JSONEachRow", settings, cancellation);
        return Rows(text).FirstOrDefault();
    }

    private static List<Alert> Rows(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
    {
        using var row = JsonDocument.Parse(line);
        return FromRow(row.RootElement);
    }).ToList();

    private async Task EnsureSchemaAsync(CancellationToken cancellation)
    {
        if (Volatile.Read(ref _schemaReady) == 1) return;
        // On a cluster this creates the tables on the server read from; the pipeline's nodes create them on every replica.
        foreach (var statement in AlertsSchema.Statements(store)) await StoreQuery.RunAsync(clickHouse, statement, settings, cancellation);
        Volatile.Write(ref _schemaReady, 1);
    }

    private static Alert FromRow(JsonElement r) => new(
        HistoryRows.Text(r, "alert_id"), HistoryRows.Text(r, "rule"), (Severity)Math.Clamp(HistoryRows.Long(r, "severity"), 0, 7),
        HistoryRows.Text(r, "description"), HistoryRows.Text(r, "key_field"), HistoryRows.Text(r, "key"),
        HistoryRows.Long(r, "first_event_ms"), HistoryRows.Long(r, "last_event_ms"), HistoryRows.Long(r, "count"),
        r.GetProperty("sample_event_ids").EnumerateArray().Select(e => e.GetString() ?? "").ToList(), HistoryRows.Long(r, "detected_at_ms"));
}
