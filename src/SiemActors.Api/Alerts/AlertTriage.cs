using System.Text.Json;
using SiemActors.Api.History;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.Alerts;

/// <summary>
/// Alerts as work (docs/api.md, "Alert triage"): a responder acknowledges, assigns, closes (with a reason), reopens or
/// annotates an alert; each change is a row of <c>alert_changes</c> carrying the state after it, and is pushed through
/// the Redis stream <c>&lt;prefix&gt;:alerts:changes</c> to the hub of every api node. Two changes of one alert at the
/// same moment: the later write wins the state; both stay in the history.
/// </summary>
public sealed class AlertTriage(ClickHouseHttpClient clickHouse, ClickHouseSinkSettings store, HistorySettings settings, AlertChangeFeed feed)
{
    private int _schemaReady;

    public async Task<(AlertChange Change, AlertState State)> ChangeAsync(string alertId, TriageRequest request, string user, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        var exists = await StoreQuery.RunAsync(clickHouse,
            $"SELECT count() FROM {store.AlertsTable} WHERE alert_id = {ClickHouseSql.Quote(alertId)} FORMAT TabSeparated", settings, ct);
        if (exists.Trim() == "0") throw new AlertNotFoundException(alertId);
        var before = (await StatesAsync([alertId], ct))[0];
        var (status, assignee) = request.Action switch
        {
            "acknowledge" when before.Status == "closed" => throw new TriageConflictException("the alert is closed: reopen it first"),
            "acknowledge" => ("acknowledged", before.Assignee),
            "assign" when before.Status == "closed" => throw new TriageConflictException("the alert is closed: reopen it first"),
            "assign" => (before.Status, request.Assignee!),
            "close" when before.Status == "closed" => throw new TriageConflictException("the alert is already closed"),
            "close" => ("closed", before.Assignee),
            "reopen" when before.Status != "closed" => throw new TriageConflictException($"the alert is {before.Status}, not closed"),
            "reopen" => ("open", before.Assignee),
            _ => (before.Status, before.Assignee), // note
        };
        // Strictly after the state read, so the newest row is this one even within the same millisecond.
        var at = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), before.UpdatedAt + 1);
        var change = new AlertChange(Guid.NewGuid().ToString("N"), alertId, at, user, request.Action, status, assignee, request.Reason ?? "", request.Note ?? "");
        await InsertAsync(change, ct);
        await feed.PublishAsync(change);
        return (change, new AlertState(alertId, status, assignee, at, user, before.Notes + (request.Action == "note" ? 1 : 0)));
    }

    /// <summary>The states of the alerts, in the order asked (open and unassigned for those without a change).</summary>
    public async Task<IReadOnlyList<AlertState>> StatesAsync(IReadOnlyList<string> alertIds, CancellationToken ct)
    {
        if (alertIds.Count == 0) return [];
        await EnsureSchemaAsync(ct);
        var ids = string.Join(", ", alertIds.Distinct().Select(ClickHouseSql.Quote));
        var text = await StoreQuery.RunAsync(clickHouse,
            "SELECT alert_id, argMax(status, at_ms) AS status, argMax(assignee, at_ms) AS assignee, max(at_ms) AS updated_at, " +
            "argMax(user, at_ms) AS updated_by, countIf(action = 'note') AS notes " +
            $"FROM {store.AlertChangesTable} FINAL WHERE alert_id IN ({ids}) GROUP BY alert_id FORMAT JSONEachRow", settings, ct);
        var found = new Dictionary<string, AlertState>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var row = JsonDocument.Parse(line);
            var r = row.RootElement;
            var id = HistoryRows.Text(r, "alert_id");
            found[id] = new AlertState(id, HistoryRows.Text(r, "status"), HistoryRows.Text(r, "assignee"), HistoryRows.Long(r, "updated_at"),
                HistoryRows.Text(r, "updated_by"), (int)HistoryRows.Long(r, "notes"));
        }
        return alertIds.Select(id => found.TryGetValue(id, out var state) ? state : AlertState.Untouched(id)).ToList();
    }

    /// <summary>An alert's changes, oldest first.</summary>
    public async Task<IReadOnlyList<AlertChange>> HistoryAsync(string alertId, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        var text = await StoreQuery.RunAsync(clickHouse,
            "SELECT change_id, alert_id, at_ms, user, action, status, assignee, reason, note " +
            $"FROM {store.AlertChangesTable} FINAL WHERE alert_id = {ClickHouseSql.Quote(alertId)} ORDER BY at_ms, change_id LIMIT 10000 FORMAT JSONEachRow", settings, ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var row = JsonDocument.Parse(line);
            var r = row.RootElement;
            return new AlertChange(HistoryRows.Text(r, "change_id"), HistoryRows.Text(r, "alert_id"), HistoryRows.Long(r, "at_ms"), HistoryRows.Text(r, "user"),
                HistoryRows.Text(r, "action"), HistoryRows.Text(r, "status"), HistoryRows.Text(r, "assignee"), HistoryRows.Text(r, "reason"),
                HistoryRows.Text(r, "note"));
        }).ToList();
    }

    private Task InsertAsync(AlertChange change, CancellationToken ct) =>
        StoreQuery.BoundAsync(bounded => JsonEachRowInsert.InsertAsync(clickHouse, store, store.AlertChangesTable, [change],
            c => store.ShardOf(c.AlertId), Write, bounded), "store the change", settings, ct);

    private static void Write(Utf8JsonWriter w, AlertChange c)
    {
        w.WriteString("change_id"u8, c.ChangeId);
        w.WriteString("alert_id"u8, c.AlertId);
        w.WriteNumber("at_ms"u8, c.At);
        w.WriteString("event_date"u8, JsonEachRowInsert.Date(c.At));
        w.WriteString("user"u8, c.User);
        w.WriteString("action"u8, c.Action);
        w.WriteString("status"u8, c.Status);
        w.WriteString("assignee"u8, c.Assignee);
        w.WriteString("reason"u8, c.Reason);
        w.WriteString("note"u8, c.Note);
    }

    /// <summary>
    /// The alerts' and changes' tables, on every replica of a cluster (<see cref="ClusterTables.EnsureAsync"/>): a
    /// change is inserted into its alert's shard, whose local table must exist, not only the server read from.
    /// </summary>
    private async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _schemaReady) == 1) return;
        await StoreQuery.BoundAsync(bounded => ClusterTables.EnsureAsync(clickHouse, AlertsSchema.Statements(store).Concat(AlertChangesSchema.Statements(store)), bounded),
            "create the alert tables", settings, ct);
        Volatile.Write(ref _schemaReady, 1);
    }
}
