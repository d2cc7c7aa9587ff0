using Prometheus;

namespace SiemActors.Detection;

/// <summary>Prometheus metrics of detection (docs/detections.md lists them). Counted live, not during recovery.</summary>
public static class DetectionMetrics
{
    public static readonly Counter Facts = Metrics.CreateCounter("siem_detection_facts_total",
        "Facts received by detection entities, by result: applied, duplicate (replayed offset), late (beyond the allowed lateness).",
        "result");

    public static readonly Counter Alerts = Metrics.CreateCounter("siem_detection_alerts_total", "Alerts fired, by rule.", "rule");

    public static readonly Counter Published = Metrics.CreateCounter("siem_detection_alerts_published_total",
        "Alerts written to every alert store (a re-sent alert counts again).");

    public static readonly Counter PublishFailures = Metrics.CreateCounter("siem_detection_publish_failures_total",
        "Failed attempts to write alerts (retried with backoff).");

    public static readonly Counter DroppedEntries = Metrics.CreateCounter("siem_detection_window_entries_dropped_total",
        "Window entries dropped because a window held more than max-entries-per-window.");

    public static readonly Counter Forgotten = Metrics.CreateCounter("siem_detection_entities_forgotten_total",
        "Idle entities that deleted their persisted state and stopped.");

    public static readonly Counter Dormant = Metrics.CreateCounter("siem_detection_entities_dormant_total",
        "Detection entities that went dormant: no facts for siem.detection.dormant-after, nothing pending; their state stays in a snapshot and they come back with the key's next facts.");
}
