using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using SiemActors.Domain.Faults;
using SiemActors.Detection.Engine;
using SiemActors.Detection.Rules;
using SiemActors.Resilience;

namespace SiemActors.Detection.Entity;

/// <summary>
/// The detection state of one key (<c>src_ip:10.0.0.5</c>) in the <c>detections</c> shard region (role
/// <c>transform</c>). Event-sourced with snapshots: each batch of facts is persisted before it is applied and
/// answered, so a batch the pipeline has not committed yet is never lost, and a replayed one is recognised by its
/// offsets and not counted again. Fired alerts go to a persisted outbox and are published until every store has them.
/// </summary>
public sealed partial class DetectionEntity : ReceivePersistentActor, IWithTimers
{
    public const string TypeName = "detections";
    public const string Role = "transform";

    private readonly string _entityId;
    private readonly DetectionSettings _settings;
    private readonly IReadOnlyDictionary<string, DetectionRule> _rules;
    private readonly IAlertPublisher _publisher;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DetectionState _state;
    private int _sinceSnapshot;
    private bool _publishing;
    private int _forgetting; // deletions still to confirm while forgetting the key; 0: not forgetting
    private long _forgetTo = -1;
    private Backoff? _publishBackoff; // made at the first failure to publish
    private long _lastFactAt; // wall clock of the last facts recorded (recovered too), Unix ms; 0: none
    private long _lastSnapshotAt = Now();
    private bool _goingDormant;

    public DetectionEntity(string entityId, DetectionSettings settings, IReadOnlyDictionary<string, DetectionRule> rules, IAlertPublisher publisher)
    {
        _entityId = entityId;
        _settings = settings;
        _rules = rules;
        _publisher = publisher;
        _state = new DetectionState(entityId, rules, settings);
        PersistenceId = PersistenceIdFor(entityId);

        Recover<SnapshotOffer>(offer =>
        {
            _state = new DetectionState(_entityId, _rules, _settings, (StateSnapshot)offer.Snapshot);
            // Facts are at most as new as the snapshot (a dormant entity's is taken when it stops).
            _lastFactAt = new DateTimeOffset(DateTime.SpecifyKind(offer.Metadata.Timestamp, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        });
        Recover<FactsRecorded>(r =>
        {
            _state.Apply(r.Facts, r.RecordedAt);
            _lastFactAt = Math.Max(_lastFactAt, r.RecordedAt);
        });
        Recover<AbsenceChecked>(c => _state.CheckAbsence(c.At));
        Recover<AlertsPublished>(p => _state.Published(p.AlertIds));

        // While the key's storage is being deleted, facts wait: they apply to the state that follows.
        Command<DetectFacts>(facts =>
        {
            if (_forgetting > 0) Stash.Stash();
            else OnFacts([facts]);
        });
        Command<DetectFactsBatches>(batches =>
        {
            if (_forgetting > 0) Stash.Stash();
            else OnFacts(batches.Parts);
        });
        Command<Tick>(_ => OnTick());
        Command<ReceiveTimeout>(_ => OnIdle());
        Command<PublishDone>(done => Persist(new AlertsPublished(done.AlertIds), published =>
        {
            _publishing = false;
            _publishBackoff?.Reset();
            _state.Published(published.AlertIds);
            DetectionMetrics.Published.Inc(published.AlertIds.Length);
            Persisted();
        }));
        Command<PublishFailed>(failed =>
        {
            _publishing = false;
            DetectionMetrics.PublishFailures.Inc();
            _publishBackoff ??= new Backoff("detection-publish", new RetrySettings(_settings.PublishRetryMinBackoff, _settings.PublishRetryMaxBackoff));
            var wait = _publishBackoff.Next();
            _log.Warning("Entity {0}: could not publish {1} alert(s) (attempt {2}), retrying in {3}: {4}", _entityId, _state.Outbox.Count,
                _publishBackoff.Failures, wait, failed.Cause.GetBaseException().Message);
            Timers.StartSingleTimer(RetryPublish.Instance, RetryPublish.Instance, wait);
        });
        Command<RetryPublish>(_ => Publish());
        Command<SaveSnapshotSuccess>(saved =>
        {
            // The snapshot holds everything up to its sequence number: older events and snapshots are not needed.
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            if (_goingDormant) Dormant();
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _goingDormant = false;
            _log.Warning("Entity {0}: snapshot failed (the journal still has everything): {1}", _entityId, f.Cause.Message);
        });
        // Deletions come from snapshots (what they made obsolete) and from forgetting (everything): told apart by range.
        Command<DeleteMessagesSuccess>(d => Forgot(d.ToSequenceNr == _forgetTo));
        Command<DeleteMessagesFailure>(f => ForgetFailed("journal events", f.Cause, f.ToSequenceNr == _forgetTo));
        Command<DeleteSnapshotsSuccess>(d => Forgot(d.Criteria.MaxSequenceNr == long.MaxValue));
        Command<DeleteSnapshotsFailure>(f => ForgetFailed("snapshots", f.Cause, f.Criteria.MaxSequenceNr == long.MaxValue));
    }

    public static string PersistenceIdFor(string entityId) => $"detection-{entityId}";

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnReplaySuccess()
    {
        Context.SetReceiveTimeout(_settings.IdleCheck);
        WatchAbsence();
        Publish();
    }

    /// <summary>Ticks only while an absence rule watches this key: most keys never need a timer.</summary>
    private void WatchAbsence()
    {
        var armed = _state.AbsenceArmed(Now());
        if (armed && !Timers.IsTimerActive(Tick.Instance)) Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, _settings.CheckInterval);
        else if (!armed && Timers.IsTimerActive(Tick.Instance)) Timers.Cancel(Tick.Instance);
    }

    /// <summary>
    /// Persists the parts not seen before in one journal write (one event per part), applies each as it is persisted,
    /// and answers once all are.
    /// </summary>
    private void OnFacts(IReadOnlyList<DetectFacts> parts)
    {
        var fresh = new List<FactsRecorded>(parts.Count);
        var now = Now();
        foreach (var facts in parts)
        {
            if (_state.IsReplay(facts)) DetectionMetrics.Facts.WithLabels("duplicate").Inc(facts.Facts.Length);
            else fresh.Add(new FactsRecorded(facts, now));
        }
        if (fresh.Count == 0)
        {
            Sender.Tell(new FactsAccepted(_entityId, 0));
            return;
        }
        var sender = Sender;
        var left = fresh.Count;
        var applied = 0;
        PersistAll(fresh, recorded =>
        {
            applied += Apply(recorded);
            if (--left > 0) return;
            CrashPoints.Reach(CrashPoint.DetectionAfterJournal);
            sender.Tell(new FactsAccepted(_entityId, applied));
        });
    }

    /// <summary>Applies persisted facts: metrics, alerts, the absence timer, snapshot and outbox. Returns the facts counted.</summary>
    private int Apply(FactsRecorded recorded)
    {
        _lastFactAt = Math.Max(_lastFactAt, recorded.RecordedAt);
        var wasArmed = Timers.IsTimerActive(Tick.Instance);
        var result = _state.Apply(recorded.Facts, recorded.RecordedAt);
        DetectionMetrics.Facts.WithLabels("applied").Inc(result.Applied);
        if (result.Duplicates > 0) DetectionMetrics.Facts.WithLabels("duplicate").Inc(result.Duplicates);
        if (result.Late > 0) DetectionMetrics.Facts.WithLabels("late").Inc(result.Late);
        if (result.Dropped > 0) DetectionMetrics.DroppedEntries.Inc(result.Dropped);
        foreach (var alert in result.Alerts)
        {
            DetectionMetrics.Alerts.WithLabels(alert.Rule).Inc();
            _log.Info("Alert {0} ({1}, {2}) for {3}={4}: {5} event(s)", alert.AlertId, alert.Rule, alert.Severity, alert.KeyField, alert.Key, alert.Count);
        }
        if (!wasArmed) WatchAbsence();
        Persisted();
        return result.Applied;
    }

    private void OnTick()
    {
        var now = Now();
        RefreshSnapshot(now);
        if (!_state.AbsenceDue(now))
        {
            WatchAbsence();
            return;
        }
        Persist(new AbsenceChecked(now), checkedAt =>
        {
            foreach (var alert in _state.CheckAbsence(checkedAt.At))
            {
                DetectionMetrics.Alerts.WithLabels(alert.Rule).Inc();
                _log.Info("Alert {0} ({1}) for {2}={3}: silent since {4}", alert.AlertId, alert.Rule, alert.KeyField, alert.Key,
                    DateTimeOffset.FromUnixTimeMilliseconds(alert.LastEventTime));
            }
            WatchAbsence();
            Persisted();
        });
    }

    /// <summary>After each persisted event: snapshot every so often, and send what the outbox holds.</summary>
    private void Persisted()
    {
        if (++_sinceSnapshot >= _settings.SnapshotEvery)
        {
            _sinceSnapshot = 0;
            TakeSnapshot();
        }
        Publish();
    }

    private void Publish()
    {
        if (_publishing || _state.Outbox.Count == 0) return;
        _publishing = true;
        var alerts = _state.Outbox.ToList();
        var ids = alerts.Select(a => a.AlertId).ToArray();
        _publisher.PublishAsync(alerts).PipeTo(Self, success: () => new PublishDone(ids), failure: ex => new PublishFailed(ex));
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed class Tick : INotInfluenceReceiveTimeout
    {
        public static readonly Tick Instance = new();
    }

    private sealed class RetryPublish : INotInfluenceReceiveTimeout
    {
        public static readonly RetryPublish Instance = new();
    }

    private sealed record PublishDone(string[] AlertIds);

    private sealed record PublishFailed(Exception Cause);
}
