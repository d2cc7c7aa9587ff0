using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace SiemActors.Persistence.Redis.Tests;

/// <summary>
/// The cases Akka's snapshot store TCK checks, against the real Redis: each test saves snapshots at sequence numbers
/// 1..5 (a second apart in their metadata timestamps) of a persistence id of its own, then loads and deletes by
/// criteria.
/// </summary>
public sealed class SnapshotStoreSpecTests : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly IActorRef _store;
    private readonly TestProbe _probe;
    private readonly string _pid = $"s-{Guid.NewGuid():N}";
    private readonly List<SnapshotMetadata> _saved = [];

    public SnapshotStoreSpecTests() : base(RedisPersistenceConfig.Create(RedisPersistenceConfig.NewPrefix()), "snapshot-spec")
    {
        _store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        _probe = CreateTestProbe();
        for (var i = 1; i <= 5; i++) _saved.Add(Save(i, $"s-{i}"));
    }

    private SnapshotMetadata Save(long sequenceNr, object snapshot, string? pid = null)
    {
        var metadata = new SnapshotMetadata(pid ?? _pid, sequenceNr, Start.AddSeconds(sequenceNr));
        _store.Tell(new SaveSnapshot(metadata, snapshot), _probe.Ref);
        return _probe.ExpectMsg<SaveSnapshotSuccess>(Timeout).Metadata;
    }

    private LoadSnapshotResult Load(SnapshotSelectionCriteria criteria, string? pid = null)
    {
        _store.Tell(new LoadSnapshot(pid ?? _pid, criteria, long.MaxValue), _probe.Ref);
        return _probe.ExpectMsg<LoadSnapshotResult>(Timeout);
    }

    private void ExpectLoaded(SnapshotSelectionCriteria criteria, long sequenceNr)
    {
        var result = Load(criteria);
        Assert.NotNull(result.Snapshot);
        Assert.Equal(sequenceNr, result.Snapshot!.Metadata.SequenceNr);
        Assert.Equal(Start.AddSeconds(sequenceNr), result.Snapshot.Metadata.Timestamp);
        Assert.Equal($"s-{sequenceNr}", result.Snapshot.Snapshot);
    }

    [Fact]
    public void Nothing_is_loaded_for_an_unknown_persistence_id()
    {
        Assert.Null(Load(SnapshotSelectionCriteria.Latest, $"unknown-{Guid.NewGuid():N}").Snapshot);
    }

    [Fact]
    public void Nothing_is_loaded_when_no_snapshot_matches()
    {
        Assert.Null(Load(SnapshotSelectionCriteria.None).Snapshot);
        Assert.Null(Load(new SnapshotSelectionCriteria(long.MaxValue, Start)).Snapshot);
    }

    [Fact]
    public void The_most_recent_snapshot_is_loaded()
    {
        ExpectLoaded(SnapshotSelectionCriteria.Latest, 5);
    }

    [Fact]
    public void The_most_recent_snapshot_below_a_sequence_number_bound_is_loaded()
    {
        ExpectLoaded(new SnapshotSelectionCriteria(3), 3);
    }

    [Fact]
    public void The_most_recent_snapshot_within_sequence_number_and_time_bounds_is_loaded()
    {
        ExpectLoaded(new SnapshotSelectionCriteria(4, Start.AddSeconds(2)), 2);
        ExpectLoaded(new SnapshotSelectionCriteria(long.MaxValue, Start.AddSeconds(3)), 3);
    }

    [Fact]
    public void Lower_bounds_exclude_older_snapshots()
    {
        Assert.Null(Load(new SnapshotSelectionCriteria(2, DateTime.MaxValue, 3)).Snapshot);
        ExpectLoaded(new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, 3, Start.AddSeconds(4)), 5);
    }

    [Fact]
    public void A_single_snapshot_is_deleted_by_its_metadata()
    {
        _store.Tell(new DeleteSnapshot(_saved[2]), _probe.Ref);
        _probe.ExpectMsg<DeleteSnapshotSuccess>(Timeout);
        ExpectLoaded(new SnapshotSelectionCriteria(3), 2);
        ExpectLoaded(SnapshotSelectionCriteria.Latest, 5);
    }

    [Fact]
    public void Snapshots_are_deleted_by_criteria()
    {
        _store.Tell(new DeleteSnapshots(_pid, new SnapshotSelectionCriteria(3)), _probe.Ref);
        _probe.ExpectMsg<DeleteSnapshotsSuccess>(Timeout);
        Assert.Null(Load(new SnapshotSelectionCriteria(3)).Snapshot);
        ExpectLoaded(SnapshotSelectionCriteria.Latest, 5);
        ExpectLoaded(new SnapshotSelectionCriteria(4), 4);
    }

    [Fact]
    public void Saving_a_sequence_number_again_replaces_its_snapshot()
    {
        var metadata = new SnapshotMetadata(_pid, 5, Start.AddSeconds(5));
        _store.Tell(new SaveSnapshot(metadata, "replaced"), _probe.Ref);
        _probe.ExpectMsg<SaveSnapshotSuccess>(Timeout);
        var loaded = Load(SnapshotSelectionCriteria.Latest).Snapshot!;
        Assert.Equal(5, loaded.Metadata.SequenceNr);
        Assert.Equal("replaced", loaded.Snapshot);
    }

    [Fact]
    public void A_large_snapshot_round_trips()
    {
        var big = new string('x', 2_000_000);
        Save(6, big);
        var loaded = Load(SnapshotSelectionCriteria.Latest).Snapshot!;
        Assert.Equal(6, loaded.Metadata.SequenceNr);
        Assert.Equal(big, loaded.Snapshot);
    }
}
