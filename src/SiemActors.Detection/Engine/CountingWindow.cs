using SiemActors.Detection.Rules;

namespace SiemActors.Detection.Engine;

/// <summary>
/// Threshold (at least <c>count</c> events) and distinct (at least <c>count</c> distinct values) rules: fires for the
/// earliest window [start, start + window) that contains the new event and meets the count. After firing, events
/// before the end of that window are spent: one alert per key per window.
/// </summary>
/// <remarks>
/// Events mostly arrive in event-time order. Then the only window to check is the one ending at the new event, and it
/// is kept incrementally (its first index and, for distinct rules, its values' counts): constant work per event. An
/// out-of-order event takes the general path, a scan of the windows that contain it, and the tail is rebuilt later.
/// </remarks>
internal sealed class CountingWindow : RuleWindow
{
    private readonly SortedEntries _entries = new();
    private readonly bool _distinct;
    private long _suppressUntil = long.MinValue;
    private Dictionary<string, int>? _tailValues; // distinct rules: the tail window's values; null: to rebuild
    private int _tailStart = -1;                   // the tail window's first index; -1: to rebuild

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
        var inOrder = _entries.Count == 0 || entry.Time >= _entries.Last.Time;
        _entries.Insert(entry);
        var trimmed = _entries.TrimTo(maxEntries);
        Dropped += trimmed;
        Shifted(trimmed);
        return inOrder ? AddNewest(entry) : AddOutOfOrder(entry);
    }

    /// <summary>The new event is the newest: the window (t - window, t] is the one with the most events containing t.</summary>
    private Firing? AddNewest(WindowEntry entry)
    {
        var from = entry.Time - Rule.WindowMs + 1;
        if (_tailStart < 0 || (_distinct && _tailValues is null))
        {
            _tailStart = _entries.LowerBound(from);
            if (_distinct)
            {
                _tailValues = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = _tailStart; i < _entries.Count; i++) Count(_entries[i].Value, +1);
            }
        }
        else
        {
            if (_tailValues is not null) Count(entry.Value, +1);
            while (_entries[_tailStart].Time < from)
            {
                if (_tailValues is not null) Count(_entries[_tailStart].Value, -1);
                _tailStart++;
            }
        }
        var count = _tailValues?.Count ?? _entries.Count - _tailStart;
        return count >= Rule.Count ? Fire(_tailStart, _entries.Count, count) : null;
    }

    private void Count(string value, int delta)
    {
        var values = _tailValues!;
        var n = values.GetValueOrDefault(value) + delta;
        if (n == 0) values.Remove(value);
        else values[value] = n;
    }

    /// <summary>Entries before the tail's start were removed: move its index, or rebuild it next time.</summary>
    private void Shifted(int removed)
    {
        if (removed == 0 || _tailStart < 0) return;
        _tailStart -= removed;
        if (_tailStart < 0) Invalidate();
    }

    private void Invalidate()
    {
        _tailStart = -1;
        _tailValues = null;
    }

    private Firing? AddOutOfOrder(WindowEntry entry)
    {
        Invalidate();
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
        Invalidate();
        return firing;
    }

    public override void Prune(long watermark, long allowedLatenessMs) =>
        Shifted(_entries.RemoveBefore(watermark - allowedLatenessMs - Rule.WindowMs + 1));

    public override bool IsEmpty(long nowMs, long allowedLatenessMs) => _entries.Count == 0;

    public override WindowSnapshot ToSnapshot() => new(Rule.Name, [.. _entries.Items], [], _suppressUntil, 0);
}
