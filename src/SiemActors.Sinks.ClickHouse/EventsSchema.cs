namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The event store's DDL: one statement set that runs on ClickHouse 18.16 and on current servers (no DateTime64,
/// Map, IPv4, TTL or CODEC), on one server or a cluster (<see cref="ClusterTables"/>). Retention is by dropping day partitions.
/// </summary>
/// <remarks>
/// ReplacingMergeTree collapses rows with the same sorting key, and every column of the key is deterministic for an
/// event (its source, its event time — the Kafka record's time when the input has none — and its id), so a batch
/// written twice leaves one visible row per event when read through the documented path: <c>FROM … FINAL</c>.
/// Optional text fields are stored as '' when absent.
/// </remarks>
public static class EventsSchema
{
    public static IReadOnlyList<string> Statements(ClickHouseSinkSettings s) =>
    [
        $"CREATE DATABASE IF NOT EXISTS {s.Database}",
        .. ClusterTables.Create(s, s.EventsTable, EventColumns, "ReplacingMergeTree", "", "PARTITION BY event_date ORDER BY (source, event_time, event_id)"),
        .. ClusterTables.Create(s, s.LedgerTable, LedgerColumns, "ReplacingMergeTree", "state",
            "PARTITION BY toYYYYMM(written_at) ORDER BY (topic, partition, first_offset, last_offset)"),
    ];

    private const string EventColumns = """
        (
            event_id String,
            event_time DateTime('UTC'),
            event_time_ms Int64,
            event_date Date,
            ingested_at_ms Int64,
            source String,
            host String,
            severity UInt8,
            category String,
            action String,
            outcome String,
            src_ip String,
            src_port Nullable(UInt16),
            dst_ip String,
            dst_port Nullable(UInt16),
            user String,
            process String,
            message String,
            tags Array(String),
            attribute_keys Array(String),
            attribute_values Array(String),
            host_first_seen_ms Int64,
            host_seq UInt64,
            host_rate_1m UInt32,
            topic String,
            partition UInt16,
            offset UInt64,
            raw String
        )
        """;

    private const string LedgerColumns = """
        (
            topic String,
            partition UInt16,
            first_offset UInt64,
            last_offset UInt64,
            rows UInt32,
            state UInt8,
            written_at DateTime('UTC')
        )
        """;
}
