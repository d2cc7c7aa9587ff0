namespace SiemActors.Bench.Scenarios;

/// <summary>A step of the node's path with its mean over a phase (from the node's own histograms: Δsum / Δcount).</summary>
internal sealed record LatencyStep(string Step, double Mean, string Unit);

/// <summary>
/// Where a phase's latency went inside the node, from two scrapes of its <c>/metrics</c>: the mean batch, the mean
/// enrichment + detection step, each sink's mean call, and the mean produce → stored and ingest → stored.
/// </summary>
internal static class LatencyBreakdown
{
    public static IReadOnlyList<LatencyStep> Of(NodeMetrics from, NodeMetrics to)
    {
        double Mean(string name, string labels = "")
        {
            var count = to.Value($"{name}_count{labels}") - from.Value($"{name}_count{labels}");
            return count > 0 ? (to.Value($"{name}_sum{labels}") - from.Value($"{name}_sum{labels}")) / count : double.NaN;
        }
        return
        [
            new("batch size", Mean("siem_batch_size"), "records"),
            new("entity round (enrich + detect), per batch", Mean("siem_enrich_seconds") * 1000, "ms"),
            new("Redis sink call, per batch", Mean("siem_sink_call_seconds", "{sink=\"redis\"}") * 1000, "ms"),
            new("ClickHouse sink call, per batch", Mean("siem_sink_call_seconds", "{sink=\"clickhouse\"}") * 1000, "ms"),
            new("read by the node → stored in every sink", Mean("siem_event_latency_seconds", "{since=\"ingest\"}") * 1000, "ms"),
            new("event time (produced) → stored in every sink", Mean("siem_event_latency_seconds", "{since=\"event_time\"}") * 1000, "ms"),
        ];
    }
}
