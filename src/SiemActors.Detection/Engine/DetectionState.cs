using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;
using SiemActors.Domain.Alerts;

namespace SiemActors.Detection.Engine;

/// <summary>
/// Everything one detection entity (one key) knows: per partition the highest offset applied (a replayed batch changes
/// nothing), the newest event time seen (the watermark lateness is measured from), one window per rule, and the outbox
/// of alerts not yet in every store. Pure: tests and the entity's recovery drive it with the same calls.
/// </summary>
public sealed class DetectionState
{
    private readonly Dictionary<int, long> _applied = new();
    private readonly Dictionary<string, RuleWindow> _windows = new(StringComparer.Ordinal);
    private readonly List<Alert> _outbox = [];
    private readonly IReadOnlyDictionary<string, DetectionRule> _rules;
    private readonly DetectionSettings _settings;

    public DetectionState(string entityId, IReadOnlyDictionary<string, DetectionRule> rules, DetectionSettings settings, StateSnapshot? snapshot = null)
    {
        (KeyField, Key) = EntityIds.Parse(entityId);
        _rules = rules;
        _settings = settings;
        if (snapshot is null) return;
        foreach (var (partition, offset) in snapshot.Applied) _applied[partition] = offset;
        Watermark = snapshot.Watermark;
        LastActivity = snapshot.LastActivity;
        _outbox.AddRange(snapshot.Outbox);
        foreach (var w in snapshot.Windows)
        {
            // A rule removed from the configuration since: its window goes with it.
            if (_rules.TryGetValue(w.Rule, out var rule)) _windows[w.Rule] = RuleWindow.Create(rule, _settings.SampleSize, w);
        }
    }

    public string KeyField { get; }

    public string Key { get; }

    /// <summary>The newest event time applied, Unix ms.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>When facts were last recorded (wall clock, Unix ms).</summary>
    public long LastActivity { get; private set; }

    /// <summary>Alerts fired and not yet acknowledged by every store, oldest first.</summary>
    public IReadOnlyList<Alert> Outbox => _outbox;

    public long AppliedOffset(int partition) => _applied.GetValueOrDefault(partition, -1);

    /// <summary>True when every fact is at or below the partition's applied offset: a replay with nothing new.</summary>
    public bool IsReplay(DetectFacts facts)
    {
        var applied = AppliedOffset(facts.Partition);
        return Array.TrueForAll(facts.Facts, f => f.Offset <= applied);
    }

    public ApplyResult Apply(DetectFacts facts, long recordedAt)
    {
        LastActivity = Math.Max(LastActivity, recordedAt);
        var applied = AppliedOffset(facts.Partition);
        var highest = applied;
        List<Alert>? alerts = null;
        int counted = 0, duplicates = 0, late = 0;
        long dropped = 0;
        foreach (var fact in facts.Facts)
        {
            if (fact.Offset <= applied)
            {
                duplicates++;
                continue;
            }
            highest = Math.Max(highest, fact.Offset);
            if (fact.Rule < 0 || fact.Rule >= facts.Rules.Length || !_rules.TryGetValue(facts.Rules[fact.Rule], out var rule)) continue;
            if (Watermark != long.MinValue && fact.Timestamp < Watermark - _settings.AllowedLatenessMs)
            {
                late++;
                continue;
            }
            Watermark = Math.Max(Watermark, fact.Timestamp);
            counted++;
            var window = Window(rule);
            var before = window.Dropped;
            var firing = window.Add(new WindowEntry(fact.Timestamp, fact.EventId, fact.Value), fact.Step, _settings.MaxEntriesPerWindow);
            dropped += window.Dropped - before;
            if (firing is not null) (alerts ??= []).Add(Record(rule, firing, recordedAt));
        }
        _applied[facts.Partition] = highest;
        Prune();
        return new ApplyResult(alerts ?? [], counted, duplicates, late, dropped);
    }

    /// <summary>Would <see cref="CheckAbsence"/> fire now? (Lets the entity persist a check only when it matters.)</summary>
    public bool AbsenceDue(long nowMs) => _windows.Values.Any(w => w.Due(nowMs, _settings.AllowedLatenessMs));

    /// <summary>Fires the absence rules whose keys are silent at <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<Alert> CheckAbsence(long nowMs)
    {
        var alerts = new List<Alert>();
        foreach (var w in _windows.Values)
        {
            if (w.Check(nowMs, _settings.AllowedLatenessMs) is { } firing) alerts.Add(Record(w.Rule, firing, nowMs));
        }
        return alerts;
    }

    /// <summary>The stores have these alerts: they leave the outbox.</summary>
    public void Published(IEnumerable<string> alertIds)
    {
        var ids = alertIds.ToHashSet(StringComparer.Ordinal);
        _outbox.RemoveAll(a => ids.Contains(a.AlertId));
    }

    /// <summary>An absence rule is watching this key: it may fire without any new fact.</summary>
    public bool AbsenceArmed(long nowMs) =>
        _windows.Values.Any(w => w.Rule.Kind == RuleKind.Absence && !w.IsEmpty(nowMs, _settings.AllowedLatenessMs));

    /// <summary>
    /// Called once no fact arrived for longer than any window plus the allowed lateness: with event time following the
    /// wall clock, no open window can complete any more. Forgettable unless an alert waits in the outbox or an absence
    /// rule still watches.
    /// </summary>
    public bool CanForget(long nowMs) => _outbox.Count == 0 && !AbsenceArmed(nowMs);

    public StateSnapshot ToSnapshot() =>
        new(new Dictionary<int, long>(_applied), Watermark, LastActivity, [.. _outbox], _windows.Values.Select(w => w.ToSnapshot()).ToList());

    private RuleWindow Window(DetectionRule rule)
    {
        if (!_windows.TryGetValue(rule.Name, out var window)) _windows[rule.Name] = window = RuleWindow.Create(rule, _settings.SampleSize);
        return window;
    }

    private void Prune()
    {
        if (Watermark == long.MinValue) return;
        foreach (var w in _windows.Values) w.Prune(Watermark, _settings.AllowedLatenessMs);
    }

    private Alert Record(DetectionRule rule, Firing firing, long detectedAt)
    {
        var alert = new Alert(AlertIds.For(rule.Name, KeyField, Key, firing.WindowStart), rule.Name, rule.Severity, rule.Description, KeyField, Key,
            firing.FirstEventTime, firing.LastEventTime, firing.Count, firing.SampleEventIds, detectedAt);
        _outbox.Add(alert);
        return alert;
    }
}
