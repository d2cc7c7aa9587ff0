using Confluent.Kafka;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// The source's budget on the loop's thread (<see cref="FetchBudget"/>): each polled record is taken only if the budget
/// has room for it, what a poll took is counted as held by the stage when it is handed over, and partitions pause at
/// their bound and resume once downstream took half.
/// </summary>
internal sealed partial class ConsumerLoop<TKey, TValue>
{
    private readonly HashSet<TopicPartition> _boundPaused = [];

    // What the current poll has taken so far: per owned partition, of partitions no longer owned, and in all.
    private readonly Dictionary<TopicPartition, (long Records, long Bytes)> _taking = new();
    private (long Records, long Bytes) _takingUnowned;
    private (long Records, long Bytes) _takingAll;
    private bool _takingStale; // a rebalance removed records from the poll: count the batch again before holding it
    private long _polls;

    /// <summary>Polls done so far (for tests: "the loop went on polling meanwhile").</summary>
    public long Polls => Interlocked.Read(ref _polls);

    private void StartTaking()
    {
        Interlocked.Increment(ref _polls);
        ResetTaking();
    }

    private void ResetTaking()
    {
        _taking.Clear();
        _takingUnowned = default;
        _takingAll = default;
        _takingStale = false;
    }

    /// <summary>
    /// Takes <paramref name="record"/> into the batch if the budget has room for it; otherwise seeks its partition
    /// back to it and pauses the partition (all of them, for a budget across partitions), so it is read again once
    /// downstream took half. Returns whether to go on polling for this batch.
    /// </summary>
    private bool Take(IConsumer<TKey, TValue> consumer, ConsumeResult<TKey, TValue> record, List<ConsumeResult<TKey, TValue>> batch)
    {
        var tp = record.TopicPartition;
        var size = FetchBudget.SizeOf(record);
        if (!_assignments.TryGetValue(tp, out var assignment))
        {
            batch.Add(record); // not ours (any more): the stage drops it, and releases it from the totals
            Counted(record.TopicPartition, owned: false, size);
            return true;
        }
        // A budget across partitions needs only the totals: no per-partition bookkeeping per record.
        var pending = _budget.PerPartition ? _taking.GetValueOrDefault(tp) : _takingAll;
        if (_budget.Admits(assignment, pending.Records, pending.Bytes, size))
        {
            batch.Add(record);
            Counted(tp, owned: true, size);
            return true;
        }
        consumer.Seek(new TopicPartitionOffset(tp, record.Offset));
        PauseAtBound(consumer, _budget.PerPartition ? [tp] : consumer.Assignment);
        return _budget.PerPartition;
    }

    private void Counted(TopicPartition tp, bool owned, long size)
    {
        _takingAll = (_takingAll.Records + 1, _takingAll.Bytes + size);
        if (!owned) _takingUnowned = (_takingUnowned.Records + 1, _takingUnowned.Bytes + size);
        else if (_budget.PerPartition)
        {
            var mine = _taking.GetValueOrDefault(tp);
            _taking[tp] = (mine.Records + 1, mine.Bytes + size);
        }
    }

    /// <summary>
    /// Counts the batch as held by the stage (from what <see cref="Take"/> counted, unless a rebalance removed records
    /// from the poll meanwhile), and pauses what is at its bound already (no fetch to throw away).
    /// </summary>
    private void HoldForStage(IConsumer<TKey, TValue> consumer, List<ConsumeResult<TKey, TValue>> batch)
    {
        if (_takingStale)
        {
            ResetTaking();
            foreach (var record in batch) Counted(record.TopicPartition, _assignments.ContainsKey(record.TopicPartition), FetchBudget.SizeOf(record));
        }
        if (!_budget.PerPartition)
        {
            _budget.Hold(null, _takingAll.Records, _takingAll.Bytes);
            if (_budget.Records >= _budget.MaxRecords || _budget.Bytes >= _budget.MaxBytes) PauseAtBound(consumer, consumer.Assignment);
            return;
        }
        if (_takingUnowned.Records > 0) _budget.Hold(null, _takingUnowned.Records, _takingUnowned.Bytes);
        List<TopicPartition>? full = null;
        foreach (var (tp, (records, bytes)) in _taking)
        {
            if (!_assignments.TryGetValue(tp, out var assignment)) continue;
            _budget.Hold(assignment, records, bytes);
            if (!_budget.Admits(assignment, 0, 0, FetchBudget.RecordOverhead)) (full ??= []).Add(tp);
        }
        if (full is not null) PauseAtBound(consumer, full);
    }

    private void PauseAtBound(IConsumer<TKey, TValue> consumer, IEnumerable<TopicPartition> partitions)
    {
        var pause = partitions.Where(tp => _assignments.ContainsKey(tp) && _boundPaused.Add(tp)).ToList();
        if (pause.Count > 0) consumer.Pause(pause);
    }

    /// <summary>Partitions paused at their bound fetch again once downstream took half (unless the stage paused them itself).</summary>
    private void ResumeWithinBudget(IConsumer<TKey, TValue> consumer)
    {
        if (_boundPaused.Count == 0) return;
        List<TopicPartition>? resume = null;
        foreach (var tp in _boundPaused.ToList())
        {
            if (!_assignments.TryGetValue(tp, out var assignment))
            {
                _boundPaused.Remove(tp);
                continue;
            }
            if (!_budget.HasRoom(assignment)) continue;
            _boundPaused.Remove(tp);
            if (!_fetchingStopped && !_paused.Contains(tp)) (resume ??= []).Add(tp);
        }
        if (resume is not null) consumer.Resume(resume);
    }
}
