using System.Collections.Concurrent;
using Akka.Event;
using SiemActors.Domain.Events;
using SiemActors.Domain.Faults;
using Polly;
using SiemActors.Resilience;
using SiemActors.Domain.Serialization;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// Writes partition batches to the event table of one server or one shard of a cluster (its local table, through a
/// client of its replicas), with group commit: a batch handed in while no insert runs is written
/// at once; batches handed in while one runs wait for it and are then written together. Each write skips what the
/// ledger says is stored, records the ranges <c>before</c>, inserts the rest in one <c>RowBinary</c> insert and
/// records them <c>after</c> — three statements per group, not per partition batch. Batches of one partition must be
/// handed in one at a time, in order (the next after the previous one's task completed); different partitions may
/// write concurrently.
/// <para>
/// Rows are judged one by one where it matters: a row the encoder cannot write, or rows the server refuses for their
/// content (<see cref="ClickHouseServerException.IsContentError"/>: the insert is halved until the refused rows are
/// found), are returned as <see cref="RefusedEvent"/>s and the rest is stored. Other errors (the server down or
/// overloaded, a schema that does not match) are retried with backoff for as long as they last, each attempt from the
/// ledger's marks: the partitions wait, loudly, rather than lose rows or stop the node.
/// </para>
/// </summary>
internal sealed class ClickHouseShardWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings, ILoggingAdapter log)
{
    private readonly BatchLedger _ledger = new(client, settings);
    private readonly ResiliencePipeline _writes = Retries.Forever("clickhouse-write", new RetrySettings(settings.RetryMinBackoff, settings.RetryMaxBackoff),
        IsRetried, retry => LogRetry(log, retry));
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _highWaterMarks = new();
    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private bool _flushing;

    private sealed record Pending(EventBatch Batch, TaskCompletionSource<SinkWrite> Done, CancellationToken Cancellation);

    /// <summary>
    /// Writes the batch (with whatever other partitions' batches are waiting); returns how many of its rows were
    /// inserted (0 when the ledger says it is stored already) and the rows refused for their content. Cancelling stops
    /// the wait; an insert already under way may still complete (harmless: the ledger and the table's engine make a
    /// rewrite idempotent).
    /// </summary>
    public Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken ct = default)
    {
        var pending = new Pending(batch, new TaskCompletionSource<SinkWrite>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        bool start;
        lock (_gate)
        {
            _pending.Add(pending);
            start = !_flushing;
            _flushing = true;
        }
        if (start) _ = Task.Run(FlushWhilePendingAsync, CancellationToken.None);
        return pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Forgets what this writer remembers of a partition, in every log epoch (call when it is assigned anew: another node
    /// may have written it meanwhile); the next batch reads the mark from the ledger again.
    /// </summary>
    public void Forget(string topic, int partition)
    {
        foreach (var key in _highWaterMarks.Keys)
        {
            if (key.Partition == partition && (key.Topic == topic || key.Topic.StartsWith(topic + "@", StringComparison.Ordinal)))
                _highWaterMarks.TryRemove(key, out _);
        }
    }

    /// <summary>The partition's high-water mark under <paramref name="markTopic"/> (<see cref="EventBatch.MarkTopic"/>), from the ledger; -1 for none.</summary>
    public Task<long> HighWaterMarkAsync(string markTopic, int partition, CancellationToken ct = default) =>
        _ledger.HighWaterMarkAsync(markTopic, partition, ct);

    private async Task FlushWhilePendingAsync()
    {
        while (true)
        {
            List<Pending> group;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                group = Take();
            }
            var live = group.Where(p => !p.Cancellation.IsCancellationRequested).ToList();
            foreach (var p in group.Except(live)) p.Done.TrySetCanceled(p.Cancellation);
            if (live.Count == 0) continue;
            try
            {
                var written = await WriteGroupWhileRefusedAsync(live).ConfigureAwait(false);
                for (var i = 0; i < live.Count; i++) live[i].Done.TrySetResult(written[i]);
            }
            catch (Exception ex)
            {
                foreach (var p in live) p.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>The waiting batches up to <c>insert-max-rows</c> (at least one); called under the gate.</summary>
    private List<Pending> Take()
    {
        var rows = 0;
        var n = 0;
        while (n < _pending.Count && (n == 0 || rows + _pending[n].Batch.Events.Count <= settings.InsertMaxRows))
        {
            rows += _pending[n].Batch.Events.Count;
            n++;
        }
        var group = _pending.GetRange(0, n);
        _pending.RemoveRange(0, n);
        return group;
    }

    /// <summary>
    /// The group's write, again and again while the insert fails for reasons other than its rows' content: the server
    /// unreachable or overloaded (a warning), a missing table or column, a permission, a bug (an error). Each attempt
    /// starts from the ledger, so a retry never writes a row twice — not even one that another node, which took the
    /// partition over while this one could not write, stored meanwhile.
    /// </summary>
    private async Task<SinkWrite[]> WriteGroupWhileRefusedAsync(List<Pending> group)
    {
        // The statements stop retrying only when every caller of the group gave up.
        using var cancellation = new WhenAllCancelled(group.Select(p => p.Cancellation));
        return await _writes.ExecuteAsync($"{group.Count} partition batch(es)", async ct =>
        {
            try
            {
                return await WriteGroupAsync(group, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRetried(ex))
            {
                // The next attempt reads the marks from the ledger: while this node could not write, the partition may
                // have moved to another node that stored these offsets (this node paused, or cut off) — they are skipped.
                foreach (var p in group) _highWaterMarks.TryRemove((p.Batch.MarkTopic, p.Batch.Partition), out _);
                throw;
            }
        }, cancellation.Token).ConfigureAwait(false);
    }

    private static bool IsRetried(Exception ex) => ex is ClickHouseServerException || ClickHouseHttpClient.IsTransient(ex);

    private static void LogRetry(ILoggingAdapter log, Retries.Retry retry)
    {
        if (ClickHouseHttpClient.IsTransient(retry.Failure))
            log.Warning("ClickHouse insert of {0} failed (attempt {1}): {2}; retrying in {3} from the ledger", retry.What, retry.Attempt,
                retry.Failure.Message, retry.Wait);
        else
            log.Error("ClickHouse refused a write of {0} (attempt {1}): {2}; retrying in {3} — the partitions wait until the server or schema is fixed",
                retry.What, retry.Attempt, retry.Failure.Message, retry.Wait);
    }

    private async Task<SinkWrite[]> WriteGroupAsync(List<Pending> group, CancellationToken ct)
    {
        var marks = new Dictionary<(string, int), long>();
        // Partitions this writer knows nothing of yet (just assigned): their marks from the ledger, one query per topic.
        foreach (var topic in group.Select(p => p.Batch).Where(b => !_highWaterMarks.ContainsKey((b.MarkTopic, b.Partition))).GroupBy(b => b.MarkTopic))
        {
            var fromLedger = await _ledger.HighWaterMarksAsync(topic.Key, topic.Select(b => b.Partition).ToList(), ct).ConfigureAwait(false);
            foreach (var (partition, mark) in fromLedger) marks[(topic.Key, partition)] = mark;
        }
        var fresh = new List<IReadOnlyList<EnrichedEvent>>(group.Count);
        var ranges = new List<LedgerRange>(group.Count);
        foreach (var p in group)
        {
            var batch = p.Batch;
            var key = (batch.MarkTopic, batch.Partition);
            if (!marks.TryGetValue(key, out var stored) && !_highWaterMarks.TryGetValue(key, out stored)) // forgotten meanwhile
                stored = await _ledger.HighWaterMarkAsync(batch.MarkTopic, batch.Partition, ct).ConfigureAwait(false);
            var events = stored < batch.FirstOffset ? batch.Events : batch.Events.Where(e => e.Event.Origin.Offset > stored).ToList();
            fresh.Add(events);
            if (events.Count > 0) ranges.Add(new LedgerRange(batch.MarkTopic, batch.Partition, events[0].Event.Origin.Offset, batch.LastOffset, events.Count));
            marks[key] = Math.Max(stored, batch.LastOffset);
        }

        var refused = new List<RefusedEvent>();
        if (ranges.Count > 0)
        {
            await _ledger.RecordAsync(ranges, BatchLedger.Before, ct).ConfigureAwait(false);
            CrashPoints.Reach(CrashPoint.ClickHouseAfterBeforeRow);
            var rows = fresh.Count == 1 ? fresh[0] : fresh.SelectMany(events => events).ToList();
            foreach (var chunk in InsertChunks.ByDays(rows, settings.InsertMaxDays))
                await InsertIsolatingAsync(chunk, refused, ct).ConfigureAwait(false);
            CrashPoints.Reach(CrashPoint.ClickHouseAfterInsert);
            // Refused rows are dead-lettered by the caller before it commits: the ranges are done either way.
            await _ledger.RecordAsync(ranges, BatchLedger.After, ct).ConfigureAwait(false);
            CrashPoints.Reach(CrashPoint.ClickHouseAfterAfterRow);
        }
        foreach (var (key, mark) in marks) _highWaterMarks[key] = mark;
        var results = new SinkWrite[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var batch = group[i].Batch;
            var mine = refused.Count == 0 ? [] : refused.Where(r => r.Event.Event.Origin.Partition == batch.Partition && r.Event.Event.Origin.Topic == batch.Topic).ToList();
            results[i] = new SinkWrite(fresh[i].Count - mine.Count, mine);
        }
        return results;
    }

    /// <summary>
    /// Inserts the rows; if the server refuses them for their content, inserts each half the same way, down to the
    /// single rows it refuses (a few more inserts per refused row, and none while nothing is refused).
    /// </summary>
    private async Task InsertIsolatingAsync(IReadOnlyList<EnrichedEvent> rows, List<RefusedEvent> refused, CancellationToken ct)
    {
        var encoded = rows;
        try
        {
            using var body = new PooledBufferWriter(rows.Count * 512);
            encoded = EventRows.WriteEach(rows, body, refused);
            if (encoded.Count == 0) return;
            await client.InsertOnceAsync(EventRows.Insert(settings.Local(settings.EventsTable)), body.WrittenMemory, ct).ConfigureAwait(false);
            return;
        }
        catch (ClickHouseServerException ex) when (ex.IsContentError)
        {
            if (encoded.Count == 1)
            {
                refused.Add(new RefusedEvent(encoded[0], $"ClickHouse error {ex.Code}: {ex.ServerMessage}"));
                return;
            }
            log.Warning("ClickHouse refused an insert of {0} rows for their content ({1}); finding the rows by halves", encoded.Count, ex.Message);
        }
        var half = encoded.Count / 2;
        await InsertIsolatingAsync(Slice(encoded, 0, half), refused, ct).ConfigureAwait(false);
        await InsertIsolatingAsync(Slice(encoded, half, encoded.Count - half), refused, ct).ConfigureAwait(false);
    }

    private static List<EnrichedEvent> Slice(IReadOnlyList<EnrichedEvent> rows, int start, int count)
    {
        var slice = new List<EnrichedEvent>(count);
        for (var i = start; i < start + count; i++) slice.Add(rows[i]);
        return slice;
    }
}
