using Prometheus;

namespace SiemActors.Archive;

/// <summary>The archive's Prometheus metrics (docs/archive.md, docs/operations.md).</summary>
public static class ArchiveMetrics
{
    public static readonly Counter Days = Metrics.CreateCounter("siem_archive_days_total",
        "Day exports that wrote rows to the archive (a day's first export, or its late events).");

    public static readonly Counter Rows = Metrics.CreateCounter("siem_archive_rows_total", "Rows written to the archive.");

    public static readonly Counter Bytes = Metrics.CreateCounter("siem_archive_bytes_total", "Bytes of Parquet written to the archive.");

    public static readonly Counter Dropped = Metrics.CreateCounter("siem_archive_dropped_days_total",
        "Day partitions dropped from ClickHouse after their archive was checked.");

    public static readonly Counter Failures = Metrics.CreateCounter("siem_archive_failures_total",
        "Archive or drop attempts of a day that failed (retried on the next pass), by step.", "step");

    public static readonly Gauge LastSuccess = Metrics.CreateGauge("siem_archive_last_success_timestamp_seconds",
        "When a pass over every day last finished without a failure, Unix seconds.");

    public static readonly Gauge Pending = Metrics.CreateGauge("siem_archive_pending_days",
        "Closed days whose rows in ClickHouse the archive does not hold yet.");

    public static readonly Gauge Blocked = Metrics.CreateGauge("siem_archive_blocked_days",
        "Days past retention kept in ClickHouse because the archive does not hold all of them (alerted).");
}
