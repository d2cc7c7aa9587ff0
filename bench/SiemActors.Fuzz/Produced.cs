namespace SiemActors.Fuzz;

/// <summary>
/// Every record a campaign produced: its kind, marker number, partition and offset as the broker acknowledged them (-1:
/// refused), and per partition what is still ahead of the node's commits. Written by the producer's delivery thread.
/// </summary>
internal sealed class Produced(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Mutation[] _kind = new Mutation[capacity];
    private readonly int[] _partition = new int[capacity];
    private readonly long[] _offset = new long[capacity];
    private readonly long[] _marker = new long[capacity];
    private readonly Dictionary<int, long> _end = new();
    private readonly Dictionary<int, Queue<(long Offset, int Size)>> _ahead = new();
    private int _delivered;

    public int Count => _delivered;

    public int Refused { get; private set; }

    public long Markers { get; private set; }

    public void Delivered(int n, FuzzRecord record, int partition, long offset, int size)
    {
        lock (_gate)
        {
            _kind[n] = record.Kind;
            _partition[n] = partition;
            _offset[n] = offset;
            _marker[n] = record.Marker ?? -1;
            _delivered++;
            if (offset < 0)
            {
                Refused++;
                return;
            }
            if (record.IsMarker) Markers++;
            _end[partition] = Math.Max(_end.GetValueOrDefault(partition), offset + 1);
            if (!_ahead.TryGetValue(partition, out var queue)) _ahead[partition] = queue = new Queue<(long, int)>();
            queue.Enqueue((offset, size));
        }
    }

    /// <summary>Bytes of <paramref name="partition"/> acknowledged and not committed.</summary>
    public long BytesAhead(int partition, CommitWatch commits)
    {
        lock (_gate)
        {
            long bytes = 0;
            if (_ahead.TryGetValue(partition, out var queue))
            {
                var committed = commits.Committed(partition);
                while (queue.Count > 0 && queue.Peek().Offset < committed) queue.Dequeue();
                foreach (var (_, size) in queue) bytes += size;
            }
            return bytes;
        }
    }

    /// <summary>The end offset of each partition as far as acknowledged records go.</summary>
    public IReadOnlyDictionary<int, long> EndOffsets()
    {
        lock (_gate) return new Dictionary<int, long>(_end);
    }

    public IReadOnlyDictionary<Mutation, long> ByKind()
    {
        lock (_gate)
        {
            return Enumerable.Range(0, _delivered).Where(i => _offset[i] >= 0 && _marker[i] < 0).GroupBy(i => _kind[i])
                .ToDictionary(g => g.Key, g => (long)g.Count());
        }
    }

    /// <summary>Each acknowledged record: its number, kind, marker number (-1: none), partition and offset.</summary>
    public IEnumerable<(int N, Mutation Kind, long Marker, int Partition, long Offset)> Records()
    {
        for (var i = 0; i < _delivered; i++)
        {
            if (_offset[i] >= 0) yield return (i, _kind[i], _marker[i], _partition[i], _offset[i]);
        }
    }
}
