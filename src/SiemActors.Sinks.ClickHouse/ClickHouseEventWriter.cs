using System.Buffers;
using System.Collections.Concurrent;
using Akka.Event;
using SiemActors.Domain.Events;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// Writes partition batches to the event table: skips what the ledger says is stored, records the range
/// <c>before</c>, inserts the rest in one <c>JSONEachRow</c> insert, records it <c>after</c>. Batches of one partition
/// must be written one at a time, in order; different partitions may be written concurrently.
/// </summary>
public sealed class ClickHouseEventWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings, ILoggingAdapter log)
{
    private readonly BatchLedger _ledger = new(client, settings);
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _highWaterMarks = new();

    /// <summary>Creates the database and tables if they are missing; waits (with backoff) while ClickHouse is down.</summary>
    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        foreach (var statement in EventsSchema.Statements(settings)) await client.QueryAsync(statement, ct).ConfigureAwait(false);
        log.Info("ClickHouse schema ready: {0}, {1}", settings.EventsTable, settings.LedgerTable);
    }

    /// <summary>Writes the batch; returns how many rows were inserted (0 when the ledger says it is stored already).</summary>
    public async Task<int> WriteAsync(EventBatch batch, CancellationToken ct = default)
    {
        var key = (batch.Topic, batch.Partition);
        if (!_highWaterMarks.TryGetValue(key, out var stored))
            stored = await _ledger.HighWaterMarkAsync(batch.Topic, batch.Partition, ct).ConfigureAwait(false);

        var fresh = stored < batch.FirstOffset ? batch.Events : batch.Events.Where(e => e.Event.Origin.Offset > stored).ToList();
        if (fresh.Count > 0)
        {
            var first = fresh[0].Event.Origin.Offset;
            await _ledger.RecordAsync(batch.Topic, batch.Partition, first, batch.LastOffset, fresh.Count, BatchLedger.Before, ct).ConfigureAwait(false);
            var body = new ArrayBufferWriter<byte>(fresh.Count * 768);
            EventRows.Write(fresh, body);
            await client.InsertAsync($"INSERT INTO {settings.EventsTable} FORMAT JSONEachRow", body.WrittenMemory, ct).ConfigureAwait(false);
            await _ledger.RecordAsync(batch.Topic, batch.Partition, first, batch.LastOffset, fresh.Count, BatchLedger.After, ct).ConfigureAwait(false);
        }
        _highWaterMarks[key] = Math.Max(stored, batch.LastOffset);
        return fresh.Count;
    }

    /// <summary>
    /// Forgets what this writer remembers of a partition (call when it is assigned anew: another node may have written
    /// it meanwhile); the next batch reads the mark from the ledger again.
    /// </summary>
    public void Forget(string topic, int partition) => _highWaterMarks.TryRemove((topic, partition), out _);
}
