using System.Globalization;
using System.Text.Json;
using SiemActors.Api.History;
using SiemActors.Domain.Filtering;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.Audit;

/// <summary>
/// A read of the audit trail: a time range (the filter language's times), and optionally one user, one action and a
/// text the detail contains (case-insensitive: <c>contains=alice</c> finds the searches whose filter named alice).
/// Newest first.
/// </summary>
public sealed record AuditQuery(long FromMs, long ToMs, string? User, string? Action, string? Contains, int Limit)
{
    public const int MaxLimit = 10_000;

    public static AuditQuery Parse(string? from, string? to, string? user, string? action, string? contains, string? limit, long nowMs)
    {
        var toMs = HistoryRequest.Time("to", to, nowMs, nowMs);
        var fromMs = HistoryRequest.Time("from", from, toMs - 86_400_000, nowMs);
        if (fromMs >= toMs) throw new ApiRequestException("from must be before to");
        var rows = 100;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out rows) || rows < 1 || rows > MaxLimit))
            throw new ApiRequestException($"limit must be a whole number from 1 to {MaxLimit}");
        if (!string.IsNullOrEmpty(action) && !AuditActions.All.Contains(action))
            throw new ApiRequestException($"action must be one of {string.Join(", ", AuditActions.All)}");
        return new AuditQuery(fromMs, toMs, Empty(user), Empty(action), Empty(contains), rows);
    }

    /// <summary>The query's SQL over <see cref="AuditSchema"/>; every value quoted by <see cref="ClickHouseSql"/>.</summary>
    public string Sql(string table)
    {
        var where = $"event_date >= toDate({N(FromMs / 1000)}) AND event_date <= toDate({N(ToMs / 1000)}) AND at_ms >= {N(FromMs)} AND at_ms < {N(ToMs)}";
        if (User is not null) where += $" AND user = {ClickHouseSql.Quote(User)}";
        if (Action is not null) where += $" AND action = {ClickHouseSql.Quote(Action)}";
        if (Contains is not null) where += $" AND positionCaseInsensitiveUTF8(detail, {ClickHouseSql.Quote(Contains)}) > 0";
        return "SELECT audit_id, at_ms, node, user, roles, action, detail, remote, result, status, result_size " +
               $"FROM {table} FINAL WHERE {where} ORDER BY at_ms DESC, audit_id DESC LIMIT {N(Limit)} FORMAT JSONEachRow";
    }

    /// <summary>What the query asked, for the audit of the read itself.</summary>
    public string Describe() =>
        $"from={FromMs} to={ToMs}{(User is null ? "" : " user=" + User)}{(Action is null ? "" : " action=" + Action)}{(Contains is null ? "" : " contains=" + Contains)}";

    private static string? Empty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Answers <see cref="AuditQuery"/>s from ClickHouse, bounded by the history's query timeout.</summary>
public sealed class AuditReader(ClickHouseHttpClient clickHouse, ClickHouseSinkSettings store, HistorySettings settings)
{
    private int _schemaReady;

    /// <summary>The matching records, newest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken ct)
    {
        if (Volatile.Read(ref _schemaReady) == 0)
        {
            foreach (var statement in AuditSchema.Statements(store)) await StoreQuery.RunAsync(clickHouse, statement, settings, ct);
            Volatile.Write(ref _schemaReady, 1);
        }
        var text = await StoreQuery.RunAsync(clickHouse, query.Sql(store.AuditTable), settings, ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var row = JsonDocument.Parse(line);
            var r = row.RootElement;
            return new AuditRecord(HistoryRows.Text(r, "audit_id"), HistoryRows.Long(r, "at_ms"), HistoryRows.Text(r, "node"), HistoryRows.Text(r, "user"),
                r.GetProperty("roles").EnumerateArray().Select(e => e.GetString() ?? "").ToList(), HistoryRows.Text(r, "action"), HistoryRows.Text(r, "detail"),
                HistoryRows.Text(r, "remote"), HistoryRows.Text(r, "result"), (int)HistoryRows.Long(r, "status"), HistoryRows.Long(r, "result_size"));
        }).ToList();
    }
}
