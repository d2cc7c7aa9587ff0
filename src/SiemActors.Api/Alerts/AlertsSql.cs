using System.Globalization;
using SiemActors.Api.History;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.Alerts;

/// <summary>
/// The SQL of alert search over <see cref="AlertsSchema"/>: the filter's translation (alert columns, quoted literals),
/// the time range on the last event's time, newest detection first. Reads go through <c>FINAL</c> (one row per id).
/// </summary>
public static class AlertsSql
{
    public const string Columns =
        "alert_id, rule, severity, description, key_field, key, first_event_ms, last_event_ms, count, sample_event_ids, detected_at_ms";

    public static string Search(string table, HistoryRequest request)
    {
        var fromDate = Date(request.FromMs);
        var toDate = Date(request.ToMs);
        var where = $"event_date >= '{fromDate}' AND event_date <= '{toDate}' AND last_event_ms >= {N(request.FromMs)} AND last_event_ms < {N(request.ToMs)} " +
                    $"AND ({ClickHouseFilter.Translate(request.Filter, ClickHouseFilter.AlertColumns)})";
        return $"SELECT {Columns} FROM {table} FINAL WHERE {where} ORDER BY detected_at_ms DESC, alert_id DESC LIMIT {N(request.Limit)} FORMAT JSONEachRow";
    }

    private static string Date(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
