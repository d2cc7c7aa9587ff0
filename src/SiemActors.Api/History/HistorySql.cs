using System.Globalization;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Api.History;

/// <summary>
/// The SQL of history search and stats over <see cref="EventsSchema"/>. The only text from a request that reaches
/// it is the filter's translation (<see cref="ClickHouseFilter"/>: schema columns, quoted literals) and the cursor's
/// id (through <see cref="ClickHouseSql.Quote"/>); everything else is a number formatted here. Reads go through
/// <c>FINAL</c>, the store's documented exactly-once view.
/// </summary>
public static class HistorySql
{
    public const string Columns =
        "event_id, event_time_ms, ingested_at_ms, source, host, severity, category, action, outcome, src_ip, src_port, dst_ip, dst_port, " +
        "user, process, message, tags, attribute_keys, attribute_values, host_first_seen_ms, host_seq, host_rate_1m, topic, partition, offset, raw";

    /// <summary>Newest first; one row more than the limit, to tell whether another page follows.</summary>
    public static string Search(string table, HistoryRequest request)
    {
        var where = $"{TimeRange(request.FromMs, request.ToMs)} AND ({ClickHouseFilter.Translate(request.Filter)})";
        if (request.Cursor is { } c)
        {
            var ms = N(c.TimestampMs);
            where += $" AND (event_time_ms < {ms} OR (event_time_ms = {ms} AND event_id < {ClickHouseSql.Quote(c.EventId)}))";
        }
        return $"SELECT {Columns} FROM {table} FINAL WHERE {where} ORDER BY event_time_ms DESC, event_id DESC LIMIT {N(request.Limit + 1)} FORMAT JSONEachRow";
    }

    /// <summary>Events per source and severity with event time in [from, to).</summary>
    public static string Stats(string table, long fromMs, long toMs) =>
        $"SELECT source, severity, count() AS events FROM {table} FINAL WHERE {TimeRange(fromMs, toMs)} " +
        "GROUP BY source, severity ORDER BY source, severity FORMAT JSONEachRow";

    /// <summary>The date bounds let ClickHouse skip whole day partitions; the millisecond bounds are exact.</summary>
    private static string TimeRange(long fromMs, long toMs)
    {
        var fromDate = DateTimeOffset.FromUnixTimeMilliseconds(fromMs).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var toDate = DateTimeOffset.FromUnixTimeMilliseconds(toMs).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return $"event_date >= '{fromDate}' AND event_date <= '{toDate}' AND event_time_ms >= {N(fromMs)} AND event_time_ms < {N(toMs)}";
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
