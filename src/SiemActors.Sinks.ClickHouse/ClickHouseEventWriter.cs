using Akka.Event;
using SiemActors.Domain.Events;

namespace SiemActors.Sinks.ClickHouse;

/// <summary>
/// The event store's writer: on one server, one group-committing writer (<see cref="ClickHouseShardWriter"/>); on a
/// cluster, one per shard, each Kafka partition's batches — and so its ledger rows — always on shard
/// <see cref="ClickHouseSinkSettings.ShardOf(int)"/> (partition mod shards). A partition's events therefore always land
/// on the same shard, which keeps <c>FINAL</c> through the <c>Distributed</c> table correct and the ledger a local,
/// read-your-writes check on the replica the shard's client writes to. Batches of one partition must be handed in one
/// at a time, in order; different partitions may write concurrently.
/// </summary>
public sealed class ClickHouseEventWriter
{
    private readonly ClickHouseHttpClient _client;
    private readonly ClickHouseSinkSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly ClickHouseShardWriter[] _shards;

    public ClickHouseEventWriter(ClickHouseHttpClient client, ClickHouseSinkSettings settings, ILoggingAdapter log)
    {
        (_client, _settings, _log) = (client, settings, log);
        _shards = Enumerable.Range(0, client.ShardCount).Select(i => new ClickHouseShardWriter(client.ForShard(i), settings, log)).ToArray();
    }

    /// <summary>Creates the database and tables (on every replica of a cluster) if they are missing; waits (with backoff) while ClickHouse is down.</summary>
    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        await ClusterTables.EnsureAsync(_client, EventsSchema.Statements(_settings), ct).ConfigureAwait(false);
        _log.Info("ClickHouse schema ready: {0}, {1}{2}", _settings.EventsTable, _settings.LedgerTable,
            _settings.IsCluster ? $" (Distributed over cluster {_settings.ClusterName}, {_shards.Length} shards)" : "");
    }

    /// <summary>
    /// Writes the batch (with whatever other partitions' batches of its shard are waiting); returns how many of its rows
    /// were inserted (0 when the ledger says it is stored already) and the rows refused for their content.
    /// </summary>
    public Task<SinkWrite> WriteAsync(EventBatch batch, CancellationToken ct = default) => Shard(batch.Partition).WriteAsync(batch, ct);

    /// <summary>Forgets what this writer remembers of a partition, in every log epoch (call when it is assigned anew).</summary>
    public void Forget(string topic, int partition) => Shard(partition).Forget(topic, partition);

    /// <summary>The partition's high-water mark under <paramref name="markTopic"/> (<see cref="EventBatch.MarkTopic"/>), from its shard's ledger; -1 for none.</summary>
    public Task<long> HighWaterMarkAsync(string markTopic, int partition, CancellationToken ct = default) =>
        Shard(partition).HighWaterMarkAsync(markTopic, partition, ct);

    private ClickHouseShardWriter Shard(int partition) => _shards[_settings.ShardOf(partition)];
}
