namespace SiemActors.Detection.Engine;

/// <summary>Window entries kept in event-time order (ties in arrival order), with the bounds searches windows need.</summary>
internal sealed class SortedEntries
{
    private readonly List<WindowEntry> _items = [];

    public int Count => _items.Count;

    public WindowEntry this[int index] => _items[index];

    public IReadOnlyList<WindowEntry> Items => _items;

    public void Insert(WindowEntry entry) => _items.Insert(UpperBound(entry.Time), entry);

    public void AddRange(IEnumerable<WindowEntry> entries)
    {
        foreach (var e in entries) Insert(e);
    }

    /// <summary>The first index whose time is at least <paramref name="time"/>.</summary>
    public int LowerBound(long time)
    {
        int lo = 0, hi = _items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_items[mid].Time < time) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The first index whose time is above <paramref name="time"/>.</summary>
    public int UpperBound(long time)
    {
        int lo = 0, hi = _items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_items[mid].Time <= time) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Removes every entry older than <paramref name="time"/>; returns how many.</summary>
    public int RemoveBefore(long time)
    {
        var n = LowerBound(time);
        if (n > 0) _items.RemoveRange(0, n);
        return n;
    }

    public WindowEntry Last => _items[^1];

    /// <summary>Removes the oldest entries beyond <paramref name="max"/>; returns how many.</summary>
    public int TrimTo(int max)
    {
        var excess = _items.Count - max;
        if (excess <= 0) return 0;
        _items.RemoveRange(0, excess);
        return excess;
    }

}
