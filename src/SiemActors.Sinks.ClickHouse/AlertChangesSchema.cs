namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The <c>alert_changes</c> table: an alert's triage, one row per change (acknowledge, assign, close, reopen, note), each
/// with the alert's status and assignee after it, so that an alert's state is its newest row and its history the rows
/// in order. Append-only: a change inserted again after a failed attempt has the same <c>change_id</c> and
/// ReplacingMergeTree keeps one (read through <c>FINAL</c>). On a cluster, on the shard of the alert's id. Runs on
/// ClickHouse 18.16.
/// </summary>
public static class AlertChangesSchema
{
    public static IEnumerable<string> Statements(ClickHouseSinkSettings s) =>
        new[] { $"CREATE DATABASE IF NOT EXISTS {s.Database}" }.Concat(ClusterTables.Create(s, s.AlertChangesTable, Columns, "ReplacingMergeTree", "", "PARTITION BY toYYYYMM(event_date) ORDER BY (alert_id, at_ms, change_id)"));

    private const string Columns = """
        (
            change_id String,
            alert_id String,
            at_ms Int64,
            event_date Date,
            user String,
            action String,
            status String,
            assignee String,
            reason String,
            note String
        )
        """;
}
