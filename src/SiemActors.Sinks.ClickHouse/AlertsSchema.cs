namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The alerts table: one row per alert id. An alert re-sent after a crash or a rebalance is inserted again identically,
/// and ReplacingMergeTree on <c>alert_id</c> keeps one; reads go through <c>FINAL</c>. Runs on ClickHouse 18.16. On a cluster an alert's row goes to the shard of its id.
/// </summary>
public static class AlertsSchema
{
    public static IEnumerable<string> Statements(ClickHouseSinkSettings s) =>
        ClusterTables.Create(s, s.AlertsTable, Columns, "ReplacingMergeTree", "", "PARTITION BY toYYYYMM(event_date) ORDER BY alert_id");

    private const string Columns = """
        (
            alert_id String,
            rule String,
            severity UInt8,
            description String,
            key_field String,
            key String,
            first_event_ms Int64,
            last_event_ms Int64,
            event_date Date,
            count UInt64,
            sample_event_ids Array(String),
            detected_at_ms Int64
        )
        """;
}
