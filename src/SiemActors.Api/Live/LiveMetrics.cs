using Prometheus;

namespace SiemActors.Api.Live;

/// <summary>The live view's Prometheus metrics (docs/operations.md).</summary>
internal static class LiveMetrics
{
    public static readonly Gauge Connections = Metrics.CreateGauge("siem_hub_connections", "Hub connections open on this node.");

    public static readonly Gauge Subscriptions = Metrics.CreateGauge("siem_hub_subscriptions", "Live subscriptions on this node.");

    public static readonly Counter Delivered = Metrics.CreateCounter("siem_hub_events_delivered_total", "Events pushed to hub clients.");

    public static readonly Counter Dropped = Metrics.CreateCounter("siem_hub_events_dropped_total",
        "Events dropped from a full connection buffer (a slow client or the rate cap).");

    public static readonly Counter Skipped = Metrics.CreateCounter("siem_live_entries_skipped_total",
        "Stream entries the bridge skipped for being older than live.max-delay when it reached them.");
}
