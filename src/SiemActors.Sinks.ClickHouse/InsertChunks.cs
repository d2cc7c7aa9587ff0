using SiemActors.Domain.Events;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// Splits rows so that no insert touches more than a given number of event days (the table's day partitions). Rows of a
/// normal stream span a day or two and go in one insert, untouched. Pure.
/// </summary>
public static class InsertChunks
{
    public static IEnumerable<IReadOnlyList<EnrichedEvent>> ByDays(IReadOnlyList<EnrichedEvent> rows, int maxDays)
    {
        var days = new HashSet<long>();
        foreach (var row in rows)
        {
            if (days.Add(EventRows.Day(row.Event.Timestamp)) && days.Count > maxDays) return Split(rows, maxDays);
        }
        return [rows];
    }

    private static List<IReadOnlyList<EnrichedEvent>> Split(IReadOnlyList<EnrichedEvent> rows, int maxDays)
    {
        var byDay = new Dictionary<long, List<EnrichedEvent>>();
        foreach (var row in rows)
        {
            var day = EventRows.Day(row.Event.Timestamp);
            if (!byDay.TryGetValue(day, out var list)) byDay[day] = list = [];
            list.Add(row);
        }
        return byDay.Values.Chunk(maxDays).Select(IReadOnlyList<EnrichedEvent> (days) => days.SelectMany(d => d).ToList()).ToList();
    }
}
