using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// What a source may hold that downstream has not taken: at most <c>records</c> and <c>bytes</c> (key and value
/// payloads), per partition or across all. The consume loop holds records against it before handing them over and
/// refuses a record past a bound (<see cref="Admits"/>); the stage releases them as it emits or drops them. Counts are
/// written by two threads (loop: hold; stage: release) and read by the loop.
/// </summary>
internal sealed class FetchBudget
{
    /// <summary>What a record costs beside its payload (the ConsumeResult, its message, the queue slot).</summary>
    public const long RecordOverhead = 200;

    private long _records;
    private long _bytes;
    private long _highestRecords;
    private long _highestBytes;

    private FetchBudget(bool perPartition, int maxRecords, long maxBytes)
    {
        PerPartition = perPartition;
        MaxRecords = maxRecords;
        MaxBytes = maxBytes;
    }

    /// <summary>Bounds for each partition on its own (partitioned sources).</summary>
    public static FetchBudget ForEachPartition(int records, long bytes) => new(true, records, bytes);

    /// <summary>Bounds for all partitions together (single sources).</summary>
    public static FetchBudget ForAll(int records, long bytes) => new(false, records, bytes);

    public bool PerPartition { get; }

    public int MaxRecords { get; }

    public long MaxBytes { get; }

    /// <summary>Records held now, all partitions.</summary>
    public long Records => Interlocked.Read(ref _records);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The most records and bytes one bound ever covered at once (a partition's, or the total): never above the bounds.</summary>
    public (long Records, long Bytes) HighWater => (Interlocked.Read(ref _highestRecords), Interlocked.Read(ref _highestBytes));

    public static long SizeOf<TKey, TValue>(ConsumeResult<TKey, TValue> record) =>
        RecordOverhead + (record.Message is { } message ? PayloadSize(message.Key) + PayloadSize(message.Value) : 0);

    private static long PayloadSize<T>(T value) => value switch
    {
        byte[] bytes => bytes.Length,
        string text => text.Length * 2L,
        _ => 0,
    };

    /// <summary>
    /// Whether one more record of <paramref name="size"/> bytes fits, with <paramref name="pendingRecords"/> and
    /// <paramref name="pendingBytes"/> already taken in this poll (of its partition, or of all). Nothing held: it fits,
    /// however large, so a record larger than the bound still passes alone.
    /// </summary>
    public bool Admits(PartitionAssignment assignment, long pendingRecords, long pendingBytes, long size)
    {
        var (records, bytes) = Held(assignment);
        records += pendingRecords;
        bytes += pendingBytes;
        return records == 0 || (records + 1 <= MaxRecords && bytes + size <= MaxBytes);
    }

    /// <summary>Downstream took at least half: a partition paused at its bound may fetch again.</summary>
    public bool HasRoom(PartitionAssignment assignment)
    {
        var (records, bytes) = Held(assignment);
        return records <= MaxRecords / 2 && bytes <= MaxBytes / 2;
    }

    /// <summary>The loop hands <paramref name="records"/> records (per partition only: the assignment's counts are kept for per-partition bounds) of <paramref name="bytes"/> bytes of the assignment to the stage.</summary>
    public void Hold(PartitionAssignment? assignment, long records, long bytes)
    {
        if (PerPartition) assignment?.Hold(records, bytes);
        var totalRecords = Interlocked.Add(ref _records, records);
        var totalBytes = Interlocked.Add(ref _bytes, bytes);
        if (PerPartition && assignment is null) return; // records of an ended ownership: in the totals, under no partition's bound
        var (r, b) = PerPartition ? Held(assignment!) : (totalRecords, totalBytes);
        Raise(ref _highestRecords, r);
        Raise(ref _highestBytes, b);
    }

    /// <summary>The stage emitted or dropped them (null assignment: an ownership that has ended; only the totals count).</summary>
    public void Release(PartitionAssignment? assignment, long records, long bytes)
    {
        if (PerPartition) assignment?.Hold(-records, -bytes);
        Interlocked.Add(ref _records, -records);
        Interlocked.Add(ref _bytes, -bytes);
    }

    /// <summary>What the bound that covers <paramref name="assignment"/> holds now: its own counts, or the totals.</summary>
    private (long Records, long Bytes) Held(PartitionAssignment assignment) =>
        PerPartition ? (assignment.HeldRecords, assignment.HeldBytes) : (Records, Bytes);

    private static void Raise(ref long highest, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref highest)) && Interlocked.CompareExchange(ref highest, value, current) != current)
        {
        }
    }
}
