using Prometheus;

namespace SiemActors.Pipeline;

/// <summary>
/// The ingest pipeline's Prometheus metrics (docs/operations.md lists them all). Counters count events; histograms of
/// latency are in seconds. Registered once per process in prometheus-net's default registry, which /metrics serves.
/// </summary>
public static class PipelineMetrics
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300];

    public static readonly Counter Consumed = Metrics.CreateCounter("siem_events_consumed_total",
        "Records read from the events topic.");

    public static readonly Counter Normalized = Metrics.CreateCounter("siem_events_normalized_total",
        "Records normalized into events.");

    public static readonly Counter DeadLettered = Metrics.CreateCounter("siem_events_dead_lettered_total",
        "Records sent to the dead-letter topic, by reason.", "reason");

    public static readonly Counter InternalErrors = Metrics.CreateCounter("siem_internal_errors_total",
        "Records a bug met (an exception escaped a stage for one record): each is dead-lettered as internal-error, by stage.", "stage");

    public static readonly Counter DeadLetterErrors = Metrics.CreateCounter("siem_dead_letter_errors_total",
        "Failed attempts to send a dead letter (retried until the broker takes it; the partition waits meanwhile).");

    public static readonly Counter SinkRefused = Metrics.CreateCounter("siem_sink_refused_total",
        "Events a sink refused for their content (the rest of the batch was stored; these were dead-lettered), by sink.", "sink");

    public static readonly Counter Stored = Metrics.CreateCounter("siem_events_stored_total",
        "Events a sink acknowledged as durably written, by sink.", "sink");

    public static readonly Counter Committed = Metrics.CreateCounter("siem_events_committed_total",
        "Records whose offsets went to the committer after every sink and the dead-letter topic acknowledged them.");

    public static readonly Histogram BatchSize = Metrics.CreateHistogram("siem_batch_size",
        "Records per partition batch.", new HistogramConfiguration { Buckets = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000] });

    public static readonly Histogram SinkCallSeconds = Metrics.CreateHistogram("siem_sink_call_seconds",
        "Time for a sink to acknowledge one partition batch (retries included), by sink.",
        new HistogramConfiguration { LabelNames = ["sink"], Buckets = LatencyBuckets });

    public static readonly Histogram EnrichSeconds = Metrics.CreateHistogram("siem_enrich_seconds",
        "Time for a partition batch's enrichment and detection rounds (and its dead letters) to be answered.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Counter SinkErrors = Metrics.CreateCounter("siem_sink_errors_total",
        "Partition batches a sink failed to write (the pipeline restarts from the last commit), by sink.", "sink");

    public static readonly Histogram EndToEndSeconds = Metrics.CreateHistogram("siem_event_latency_seconds",
        "From the event's time (since=event_time) or the pipeline reading it (since=ingest) to every sink having stored it.",
        new HistogramConfiguration { LabelNames = ["since"], Buckets = LatencyBuckets });

    public static readonly Counter AskTimeouts = Metrics.CreateCounter("siem_shard_ask_timeouts_total",
        "Asks to the sharded entities (hosts, detections) that timed out (the Ask is retried).");

    public static readonly Counter DetectionAsks = Metrics.CreateCounter("siem_detection_asks_total",
        "Messages of facts sent to detection entities (one per key per round of partition batches).");

    public static readonly Counter HostAsks = Metrics.CreateCounter("siem_host_asks_total",
        "Messages sent to host entities for enrichment (one per host per round of partition batches).");

    public static readonly Histogram RoundRequests = Metrics.CreateHistogram("siem_entity_round_batches",
        "Partition batches served together in one round of entity Asks (enrichment and detection each count theirs).",
        new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128] });

    public static readonly Counter OffsetResets = Metrics.CreateCounter("siem_offset_resets_total",
        "Times the consumer's position in a partition was not in the log and moved (on-offset-out-of-range), by cause: below-log-start (records deleted unread) or beyond-log-end (log truncated or re-created).",
        "topic", "partition", "cause");

    public static readonly Counter RecordsSkipped = Metrics.CreateCounter("siem_records_skipped_total",
        "Records never processed because the broker deleted them before they were read (each range is an ingest-gap alert and a row of ingest_gaps).",
        "topic", "partition");

    public static readonly Gauge ActiveGapAlarms = Metrics.CreateGauge("siem_ingest_gap_alarms",
        "Ingest gaps this node reported that still alarm (not acknowledged, younger than siem.pipeline.gap-alarm-duration); /health/ready is degraded while above 0.");

    public static readonly Counter LogEpochs = Metrics.CreateCounter("siem_log_epochs_total",
        "Partitions found to be a new log (the topic deleted and created again, or truncated): each starts a new epoch of sink marks.",
        "topic", "partition");

    public static readonly Gauge ConsumerLag = Metrics.CreateGauge("siem_consumer_lag",
        "Records in the partition after the last offset this node committed, by partition.", "topic", "partition");

    public static readonly Gauge AssignedPartitions = Metrics.CreateGauge("siem_assigned_partitions",
        "Partitions of the events topic assigned to this node.");
}
