using SiemActors.Detection.Rules;

namespace SiemActors.Detection.Engine;

/// <summary>
/// Threshold (at least <c>count</c> events) and distinct (at least <c>count</c> distinct values) rules: fires for the
/// earliest window [start, start + window) that contains the new event and meets the count. After firing, events
/// before the end of that window are spent: one alert per key per window.
/// </summary>
internal sealed class CountingWindow : RuleWindow
{
    private readonly SortedEntries _entries = new();
    private readonly bool _distinct;
    private long _suppressUntil = long.MinValue;

    public CountingWindow(DetectionRule rule, int sampleSize, WindowSnapshot? snapshot) : base(rule, sampleSize)
    {
        _distinct = rule.Kind == RuleKind.Distinct;
        if (snapshot is null) return;
        _entries.AddRange(snapshot.Entries);
        _suppressUntil = snapshot.SuppressUntil;
    }

    public override Firing? Add(WindowEntry entry, byte step, int maxEntries)
    {
        if (entry.Time < _suppressUntil) return null;
        _entries.Insert(entry);
        Dropped += _entries.TrimTo(maxEntries);

        var window = Rule.WindowMs;
        // Candidate windows start at an entry in (t - window, t]: exactly those that contain t.
        var first = _entries.LowerBound(entry.Time - window + 1);
        var last = _entries.UpperBound(entry.Time);
        var values = _distinct ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
        var end = first;
        for (var start = first; start < last; start++)
        {
            var limit = _entries[start].Time + window;
            while (end < _entries.Count && _entries[end].Time < limit)
            {
                if (values is not null) values[_entries[end].Value] = values.GetValueOrDefault(_entries[end].Value) + 1;
                end++;
            }
            var count = values?.Count ?? end - start;
            if (count >= Rule.Count) return Fire(start, end, count);
            if (values is not null)
            {
                var v = _entries[start].Value;
                if (--values[v] == 0) values.Remove(v);
            }
        }
        return null;
    }

    private Firing Fire(int start, int end, int count)
    {
        var windowStart = _entries[start].Time;
        var samples = new List<string>();
        for (var i = start; i < end && samples.Count < SampleSize; i++) samples.Add(_entries[i].EventId);
        var firing = new Firing(windowStart, windowStart, _entries[end - 1].Time, count, samples);
        _suppressUntil = windowStart + Rule.WindowMs;
        _entries.RemoveBefore(_suppressUntil);
        return firing;
    }

    public override void Prune(long watermark, long allowedLatenessMs) =>
        _entries.RemoveBefore(watermark - allowedLatenessMs - Rule.WindowMs + 1);

    public override bool IsEmpty(long nowMs, long allowedLatenessMs) => _entries.Count == 0;

    public override WindowSnapshot ToSnapshot() => new(Rule.Name, [.. _entries.Items], [], _suppressUntil, 0);
}
