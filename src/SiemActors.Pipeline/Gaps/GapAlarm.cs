using System.Collections.Concurrent;
using System.Globalization;
using Akka.Event;
using SiemActors.Domain.Alerts;
using SiemActors.Domain.Events;
using SiemActors.Domain.Ingest;
using SiemActors.Kafka.Messages;

namespace SiemActors.Pipeline.Gaps;

/// <summary>
/// Makes a loss of records loud. Told of every offset reset by the consumer (<see cref="OffsetReset"/>), it counts it
/// (<c>siem_offset_resets_total</c>, <c>siem_records_skipped_total</c>), and for records skipped unread it keeps an
/// <see cref="IngestGap"/>: written to ClickHouse's <c>ingest_gaps</c> and raised as the critical alert
/// <c>ingest-gap</c> (Redis, ClickHouse, the hub, the UI) through the store given to <see cref="Use"/>, and shown as a
/// degraded <c>/health/ready</c> until acknowledged or <c>siem.pipeline.gap-alarm-duration</c> has passed. The
/// partition's next commit waits until its gaps are stored (<see cref="StoredAsync"/>), so a gap is never forgotten
/// by a node that crashes right after it.
/// </summary>
public sealed class GapAlarm(TimeSpan alarmDuration, string node, ILoggingAdapter log)
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), Task> _pending = new();
    private readonly Lock _gate = new();
    private readonly List<Entry> _gaps = [];
    private Func<IngestGap, CancellationToken, Task>? _store;
    private CancellationToken _stopping;

    /// <summary>Where gaps go (the gap row and the alert); set before the consumer starts.</summary>
    public void Use(Func<IngestGap, CancellationToken, Task> store, CancellationToken stopping)
    {
        _store = store;
        _stopping = stopping;
    }

    /// <summary>From the consumer's thread: returns at once, the gap is stored in the background.</summary>
    public void OnOffsetReset(OffsetReset reset, string policy)
    {
        var topic = reset.Partition.Topic;
        var partition = reset.Partition.Partition.Value;
        var label = partition.ToString(CultureInfo.InvariantCulture);
        PipelineMetrics.OffsetResets.WithLabels(topic, label, reset.Cause == OffsetResetCause.BelowLogStart ? "below-log-start" : "beyond-log-end").Inc();
        if (reset.Skipped == 0) return;
        PipelineMetrics.RecordsSkipped.WithLabels(topic, label).Inc(reset.Skipped);
        var gap = new IngestGap(topic, partition, reset.From, reset.To - 1, reset.Skipped, policy, node, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        log.Error("INGEST GAP: {0} were deleted by the broker before this pipeline read them (on-offset-out-of-range = {1}); raising alert {2}",
            gap, policy, gap.Id);
        lock (_gate) _gaps.Add(new Entry(gap));
        PipelineMetrics.ActiveGapAlarms.Set(Active().Count);
        _pending.AddOrUpdate((topic, partition), _ => StoreAsync(gap), (_, before) => before.ContinueWith(_ => StoreAsync(gap), TaskScheduler.Default).Unwrap());
    }

    /// <summary>Completes once every gap of the partition reported so far is stored.</summary>
    public Task StoredAsync(string topic, int partition) => _pending.TryGetValue((topic, partition), out var task) ? task : Task.CompletedTask;

    /// <summary>Gaps reported since start, newest first, with whether each still alarms.</summary>
    public IReadOnlyList<GapStatus> Gaps()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_gate) return _gaps.Select(e => new GapStatus(e.Gap, e.Acknowledged, Alarming(e, now))).Reverse().ToList();
    }

    /// <summary>Gaps that still alarm (not acknowledged, younger than the alarm duration).</summary>
    public IReadOnlyList<IngestGap> Active()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_gate) return _gaps.Where(e => Alarming(e, now)).Select(e => e.Gap).ToList();
    }

    /// <summary>Stops every current gap alarming (the alerts and rows stay); returns how many were alarming.</summary>
    public int Acknowledge()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        int n;
        lock (_gate)
        {
            n = _gaps.Count(e => Alarming(e, now));
            foreach (var e in _gaps) e.Acknowledged = true;
        }
        PipelineMetrics.ActiveGapAlarms.Set(0);
        if (n > 0) log.Warning("{0} ingest gap alarm(s) acknowledged", n);
        return n;
    }

    /// <summary>The built-in alert for a gap: rule <c>ingest-gap</c>, critical, keyed by the partition.</summary>
    public static Alert AlertOf(IngestGap gap) => new(gap.Id, IngestGap.Rule, Severity.Critical,
        $"{gap.Records} records of {gap.Topic}[{gap.Partition}] (offsets {gap.FirstOffset}..{gap.LastOffset}) were never processed: the broker " +
        $"deleted them before the pipeline read them (on-offset-out-of-range = {gap.Policy}). They are not in any store.",
        "partition", $"{gap.Topic}[{gap.Partition}]", gap.DetectedAt, gap.DetectedAt, gap.Records, [], gap.DetectedAt);

    private bool Alarming(Entry e, long now) => !e.Acknowledged && now - e.Gap.DetectedAt < alarmDuration.TotalMilliseconds;

    private async Task StoreAsync(IngestGap gap)
    {
        var store = _store ?? throw new InvalidOperationException("GapAlarm.Use was not called before the consumer started");
        var backoff = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store(gap, _stopping).ConfigureAwait(false);
                log.Info("Ingest gap {0} stored and alerted", gap.Id);
                return;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                log.Error("Ingest gap {0} could not be stored yet (attempt {1}): {2}; retrying in {3} — the partition does not commit until it is",
                    gap.Id, attempt, ex.Message, backoff);
                await Task.Delay(backoff, _stopping).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private sealed class Entry(IngestGap gap)
    {
        public IngestGap Gap { get; } = gap;

        public bool Acknowledged { get; set; }
    }
}

/// <summary>A reported gap and whether it still alarms.</summary>
public sealed record GapStatus(IngestGap Gap, bool Acknowledged, bool Alarming);
