using SiemActors.Detection.Rules;

namespace SiemActors.Detection.Engine;

/// <summary>
/// Sequence rules: at least <c>count</c> first-step events, then a second-step event, all within <c>window</c> and the
/// second not before them. Second steps are kept for a while too, so a late first step still completes the pattern.
/// Firing spends the first steps up to the second; the alert's window starts at the earliest first step counted, and
/// steps before that window's end belong to the alert fired: one alert per key per window.
/// </summary>
internal sealed class SequenceWindow : RuleWindow
{
    private const byte SecondStep = 1;
    private readonly SortedEntries _firsts = new();
    private readonly SortedEntries _seconds = new();
    private long _suppressUntil = long.MinValue;

    public SequenceWindow(DetectionRule rule, int sampleSize, WindowSnapshot? snapshot) : base(rule, sampleSize)
    {
        if (snapshot is null) return;
        _firsts.AddRange(snapshot.Entries);
        _seconds.AddRange(snapshot.Seconds);
        _suppressUntil = snapshot.SuppressUntil;
    }

    public override Firing? Add(WindowEntry entry, byte step, int maxEntries)
    {
        if (entry.Time < _suppressUntil) return null;
        if (step == SecondStep)
        {
            var fired = TryFire(entry);
            if (fired is null)
            {
                _seconds.Insert(entry);
                Dropped += _seconds.TrimTo(maxEntries);
            }
            return fired;
        }

        _firsts.Insert(entry);
        Dropped += _firsts.TrimTo(maxEntries);
        // A first step completes a pattern with a second step in [t, t + window).
        var from = _seconds.LowerBound(entry.Time);
        var to = _seconds.LowerBound(entry.Time + Rule.WindowMs);
        for (var i = from; i < to; i++)
        {
            var second = _seconds[i];
            // Firing removes the second too (it lies before the alerted window's end).
            if (TryFire(second) is { } fired) return fired;
        }
        return null;
    }

    /// <summary>Fires if enough first steps lie in (second - window, second].</summary>
    private Firing? TryFire(WindowEntry second)
    {
        var start = _firsts.LowerBound(second.Time - Rule.WindowMs + 1);
        var end = _firsts.UpperBound(second.Time);
        var firsts = end - start;
        if (firsts < Rule.Count) return null;
        var samples = new List<string>();
        for (var i = start; i < end && samples.Count < SampleSize - 1; i++) samples.Add(_firsts[i].EventId);
        samples.Add(second.EventId);
        var firing = new Firing(_firsts[start].Time, _firsts[start].Time, second.Time, firsts + 1, samples);
        _suppressUntil = _firsts[start].Time + Rule.WindowMs;
        _firsts.RemoveBefore(Math.Max(second.Time + 1, _suppressUntil));
        _seconds.RemoveBefore(_suppressUntil);
        return firing;
    }

    public override void Prune(long watermark, long allowedLatenessMs)
    {
        // A first step that is not late (t >= watermark - lateness) pairs with seconds from t on; a second that is not
        // late with firsts from t - window on.
        _firsts.RemoveBefore(watermark - allowedLatenessMs - Rule.WindowMs + 1);
        _seconds.RemoveBefore(watermark - allowedLatenessMs);
    }

    public override bool IsEmpty(long nowMs, long allowedLatenessMs) => _firsts.Count == 0 && _seconds.Count == 0;

    public override WindowSnapshot ToSnapshot() => new(Rule.Name, [.. _firsts.Items], [.. _seconds.Items], _suppressUntil, 0);
}
