using Prometheus;

namespace SiemActors.Api.Audit;

/// <summary>The audit trail's metrics.</summary>
internal static class AuditMetrics
{
    public static readonly Counter Written = Metrics.CreateCounter("siem_audit_records_written_total", "Audit records stored in ClickHouse by this node.");

    public static readonly Counter Dropped = Metrics.CreateCounter("siem_audit_records_dropped_total",
        "Audit records not stored: the queue was full (ClickHouse unreachable for long) or the node stopped before ClickHouse took them; each one is also logged at Error.");

    public static readonly Gauge Queued = Metrics.CreateGauge("siem_audit_queue", "Audit records waiting to be stored.");
}
