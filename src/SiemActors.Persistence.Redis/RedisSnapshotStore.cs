using System.Buffers.Binary;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Serialization;
using Akka.Persistence.Snapshot;
using Akka.Serialization;
using StackExchange.Redis;

namespace SiemActors.Persistence.Redis;

/// <summary>
/// The snapshot store: per persistence id a sorted set of snapshots scored by sequence number. Each member is the
/// snapshot's timestamp (8 bytes, UTC ticks, big-endian) followed by the snapshot serialized by Akka's snapshot
/// serializer, so selection by sequence number is a Redis range and by time a check of the first 8 bytes.
/// Saving a sequence number again replaces the earlier snapshot. Layout: docs/persistence.md.
/// </summary>
public sealed class RedisSnapshotStore : SnapshotStore
{
    private const int TimestampBytes = 8;

    private readonly RedisPluginSettings _settings;
    private readonly Serializer _serializer;
    private readonly RedisConnections _connections;

    public RedisSnapshotStore(Config config)
    {
        _settings = RedisPluginSettings.SnapshotStore(config);
        _serializer = Context.System.Serialization.FindSerializerForType(typeof(Snapshot));
        _connections = RedisConnections.Get(Context.System);
    }

    private Task<IDatabase> Database() => _connections.DatabaseAsync(_settings.Client);

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria,
        CancellationToken cancellationToken)
    {
        foreach (var (metadata, member) in await CandidatesAsync(persistenceId, criteria).ConfigureAwait(false))
        {
            var snapshot = (Snapshot)_serializer.FromBinary(member.AsSpan(TimestampBytes).ToArray(), typeof(Snapshot));
            return new SelectedSnapshot(metadata, snapshot.Data);
        }
        return null;
    }

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var body = _serializer.ToBinary(new Snapshot(snapshot));
        var member = new byte[TimestampBytes + body.Length];
        BinaryPrimitives.WriteInt64BigEndian(member, metadata.Timestamp.ToUniversalTime().Ticks);
        body.CopyTo(member, TimestampBytes);
        var db = await Database().ConfigureAwait(false);
        var (server, _) = await LuaScripts.SaveSnapshotOnOwner.EvaluateAsync(db.Multiplexer, [(RedisKey)_settings.SnapshotKey(metadata.PersistenceId)],
            [metadata.SequenceNr, member, _settings.ExpireSeconds(metadata.PersistenceId)]).ConfigureAwait(false);
        await _settings.Wait.OnAsync([server]).ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        var db = await Database().ConfigureAwait(false);
        await db.SortedSetRemoveRangeByScoreAsync(_settings.SnapshotKey(metadata.PersistenceId), metadata.SequenceNr, metadata.SequenceNr)
            .ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var members = (await CandidatesAsync(persistenceId, criteria).ConfigureAwait(false)).Select(c => (RedisValue)c.Member).ToArray();
        if (members.Length == 0) return;
        var db = await Database().ConfigureAwait(false);
        await db.SortedSetRemoveAsync(_settings.SnapshotKey(persistenceId), members).ConfigureAwait(false);
    }

    /// <summary>The snapshots the criteria select, newest sequence number first.</summary>
    private async Task<List<(SnapshotMetadata Metadata, byte[] Member)>> CandidatesAsync(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        // An empty range (StackExchange.Redis would otherwise read a descending range with its bounds swapped).
        if (criteria.MinSequenceNr > criteria.MaxSequenceNr) return [];
        var db = await Database().ConfigureAwait(false);
        var entries = await db.SortedSetRangeByScoreWithScoresAsync(_settings.SnapshotKey(persistenceId),
            criteria.MinSequenceNr, criteria.MaxSequenceNr, Exclude.None, Order.Descending).ConfigureAwait(false);
        var selected = new List<(SnapshotMetadata, byte[])>(entries.Length);
        foreach (var entry in entries)
        {
            var member = (byte[])entry.Element!;
            var timestamp = new DateTime(BinaryPrimitives.ReadInt64BigEndian(member), DateTimeKind.Utc);
            if (timestamp > criteria.MaxTimeStamp) continue;
            if (criteria.MinTimestamp is { } min && timestamp < min) continue;
            selected.Add((new SnapshotMetadata(persistenceId, (long)entry.Score, timestamp), member));
        }
        return selected;
    }
}
