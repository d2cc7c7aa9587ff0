namespace SiemActors.Pipeline;

/// <summary>Consecutive items in chunks whose sizes add up to at most a limit; an item larger than it goes alone.</summary>
internal static class SizedChunks
{
    public static IEnumerable<List<T>> Of<T>(IEnumerable<T> items, Func<T, int> size, int limit)
    {
        var chunk = new List<T>();
        var total = 0;
        foreach (var item in items)
        {
            var n = size(item);
            if (chunk.Count > 0 && total + n > limit)
            {
                yield return chunk;
                chunk = [];
                total = 0;
            }
            chunk.Add(item);
            total += n;
        }
        if (chunk.Count > 0) yield return chunk;
    }
}
