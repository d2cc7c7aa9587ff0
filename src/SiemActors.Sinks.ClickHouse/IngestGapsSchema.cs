namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The <c>ingest_gaps</c> table: one row per range of records the pipeline never read (docs/reliability.md). A gap
/// reported again after a crash is the same row (ReplacingMergeTree on its range; read through <c>FINAL</c>); on a cluster, on its partition's shard.
/// Runs on ClickHouse 18.16.
/// </summary>
public static class IngestGapsSchema
{
    public static IEnumerable<string> Statements(ClickHouseSinkSettings s) =>
        ClusterTables.Create(s, s.GapsTable, Columns, "ReplacingMergeTree", "", "PARTITION BY toYYYYMM(detected_at) ORDER BY (topic, partition, first_offset, last_offset)");

    private const string Columns = """
        (
            topic String,
            partition UInt16,
            first_offset UInt64,
            last_offset UInt64,
            records UInt64,
            policy String,
            node String,
            detected_at DateTime('UTC'),
            detected_at_ms Int64
        )
        """;
}
