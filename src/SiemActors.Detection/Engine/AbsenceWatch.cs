using SiemActors.Detection.Rules;

namespace SiemActors.Detection.Engine;

/// <summary>
/// Absence rules: a key is regular once its last <c>count</c> events lie within <c>window</c>; it fires when a regular
/// key's newest event is older than <c>window</c> (plus the allowed lateness) by the wall clock. Once per silence: the
/// next event re-arms it. Keeps only the newest <c>count</c> event times.
/// </summary>
internal sealed class AbsenceWatch : RuleWindow
{
    private readonly SortedEntries _recent = new();
    private long _alertedFor = long.MinValue;

    public AbsenceWatch(DetectionRule rule, int sampleSize, WindowSnapshot? snapshot) : base(rule, sampleSize)
    {
        if (snapshot is null) return;
        _recent.AddRange(snapshot.Entries);
        _alertedFor = snapshot.AlertedFor;
    }

    private long LastSeen => _recent.Count == 0 ? long.MinValue : _recent[_recent.Count - 1].Time;

    private bool Regular => _recent.Count >= Rule.Count && LastSeen - _recent[0].Time < Rule.WindowMs;

    public override Firing? Add(WindowEntry entry, byte step, int maxEntries)
    {
        _recent.Insert(entry);
        _recent.TrimTo(Rule.Count);
        return null;
    }

    public override bool Due(long nowMs, long allowedLatenessMs) =>
        Regular && LastSeen != _alertedFor && nowMs - allowedLatenessMs - LastSeen >= Rule.WindowMs;

    public override Firing? Check(long nowMs, long allowedLatenessMs)
    {
        if (!Due(nowMs, allowedLatenessMs)) return null;
        _alertedFor = LastSeen;
        var samples = _recent.Items.Reverse().Take(SampleSize).Select(e => e.EventId).ToList();
        return new Firing(LastSeen, _recent[0].Time, LastSeen, _recent.Count, samples);
    }

    public override void Prune(long watermark, long allowedLatenessMs)
    {
    }

    /// <summary>Open while it could still fire: a regular key not yet alerted for its silence.</summary>
    public override bool IsEmpty(long nowMs, long allowedLatenessMs) =>
        _recent.Count == 0 || LastSeen == _alertedFor || (!Regular && nowMs - allowedLatenessMs - LastSeen >= Rule.WindowMs);

    public override WindowSnapshot ToSnapshot() => new(Rule.Name, [.. _recent.Items], [], 0, _alertedFor);
}
