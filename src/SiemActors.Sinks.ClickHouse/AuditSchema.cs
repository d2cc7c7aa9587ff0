namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The <c>audit</c> table: who did what, when, from where, with what result — one row per action (docs/security.md).
/// Append-only: the node only inserts; a row inserted again after a failed attempt has the same <c>audit_id</c> and
/// ReplacingMergeTree keeps one (read through <c>FINAL</c>). On a cluster, on the shard of its id. Runs on ClickHouse 18.16.
/// </summary>
public static class AuditSchema
{
    public static IEnumerable<string> Statements(ClickHouseSinkSettings s) =>
        new[] { $"CREATE DATABASE IF NOT EXISTS {s.Database}" }.Concat(ClusterTables.Create(s, s.AuditTable, Columns, "ReplacingMergeTree", "", "PARTITION BY toYYYYMM(event_date) ORDER BY (event_date, at_ms, audit_id)"));

    private const string Columns = """
        (
            audit_id String,
            at_ms Int64,
            event_date Date,
            node String,
            user String,
            roles Array(String),
            action String,
            detail String,
            remote String,
            result String,
            status UInt16,
            result_size Int64
        )
        """;
}
