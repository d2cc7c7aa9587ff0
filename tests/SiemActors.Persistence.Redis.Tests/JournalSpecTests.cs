using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace SiemActors.Persistence.Redis.Tests;

/// <summary>
/// The cases Akka's journal TCK checks (the TCK package is not served here), against the real Redis: each test
/// writes events 1..5 of a persistence id of its own, then replays, bounds, deletes and reads the highest number.
/// </summary>
public sealed class JournalSpecTests : TestKit
{
    private readonly IActorRef _journal;
    private readonly TestProbe _sender;
    private readonly TestProbe _receiver;
    private readonly string _pid = $"p-{Guid.NewGuid():N}";
    private readonly string _writerGuid = Guid.NewGuid().ToString();

    public JournalSpecTests() : base(RedisPersistenceConfig.Create(RedisPersistenceConfig.NewPrefix()), "journal-spec")
    {
        _journal = Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null);
        _sender = CreateTestProbe();
        _receiver = CreateTestProbe();
        WriteMessages(1, 5, _pid);
    }

    private void WriteMessages(long from, long to, string pid)
    {
        var probe = CreateTestProbe();
        var writes = Enumerable.Range((int)from, (int)(to - from + 1))
            .Select(i => (IPersistentEnvelope)new AtomicWrite(new Persistent($"a-{i}", i, pid, "", false, _sender.Ref, _writerGuid)))
            .ToImmutableList();
        _journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(TimeSpan.FromSeconds(10));
        for (var i = from; i <= to; i++)
        {
            var n = i;
            probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == n && m.Persistent.Payload.Equals($"a-{n}"));
        }
    }

    private void ExpectReplayed(params long[] sequenceNrs)
    {
        foreach (var n in sequenceNrs)
        {
            _receiver.ExpectMsg<ReplayedMessage>(m =>
                m.Persistent.SequenceNr == n && m.Persistent.Payload.Equals($"a-{n}") && m.Persistent.PersistenceId == _pid
                && m.Persistent.WriterGuid == _writerGuid && !m.Persistent.IsDeleted, TimeSpan.FromSeconds(10));
        }
    }

    private void Replay(long from, long to, long max, string? pid = null) =>
        _journal.Tell(new ReplayMessages(from, to, max, pid ?? _pid, _receiver.Ref));

    private void ExpectRecoverySuccess(long highest) =>
        _receiver.ExpectMsg<RecoverySuccess>(m => m.HighestSequenceNr == highest, TimeSpan.FromSeconds(10));

    [Fact]
    public void Replays_all_messages()
    {
        Replay(1, long.MaxValue, long.MaxValue);
        ExpectReplayed(1, 2, 3, 4, 5);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_from_a_lower_bound()
    {
        Replay(3, long.MaxValue, long.MaxValue);
        ExpectReplayed(3, 4, 5);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_to_an_upper_bound()
    {
        Replay(1, 3, long.MaxValue);
        ExpectReplayed(1, 2, 3);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_at_most_max_messages()
    {
        Replay(1, long.MaxValue, 2);
        ExpectReplayed(1, 2);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_between_bounds_with_a_limit()
    {
        Replay(2, 5, 2);
        ExpectReplayed(2, 3);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_nothing_when_the_lower_bound_is_above_the_upper()
    {
        Replay(3, 2, long.MaxValue);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_nothing_when_max_is_zero()
    {
        Replay(1, long.MaxValue, 0);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void Replays_nothing_when_the_lower_bound_is_above_the_highest()
    {
        Replay(6, long.MaxValue, long.MaxValue);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void An_unknown_persistence_id_replays_nothing_and_its_highest_is_zero()
    {
        Replay(1, long.MaxValue, long.MaxValue, pid: $"unknown-{Guid.NewGuid():N}");
        ExpectRecoverySuccess(0);
    }

    [Fact]
    public void Deleted_messages_are_not_replayed()
    {
        var probe = CreateTestProbe();
        _journal.Tell(new DeleteMessagesTo(_pid, 3, probe.Ref));
        probe.ExpectMsg<DeleteMessagesSuccess>(m => m.ToSequenceNr == 3, TimeSpan.FromSeconds(10));
        Replay(1, long.MaxValue, long.MaxValue);
        ExpectReplayed(4, 5);
        ExpectRecoverySuccess(5);
    }

    [Fact]
    public void The_highest_sequence_number_survives_deleting_everything()
    {
        var probe = CreateTestProbe();
        _journal.Tell(new DeleteMessagesTo(_pid, 5, probe.Ref));
        probe.ExpectMsg<DeleteMessagesSuccess>(TimeSpan.FromSeconds(10));
        Replay(1, long.MaxValue, long.MaxValue);
        ExpectRecoverySuccess(5);

        // And writing goes on after it.
        WriteMessages(6, 7, _pid);
        Replay(1, long.MaxValue, long.MaxValue);
        ExpectReplayed(6, 7);
        ExpectRecoverySuccess(7);
    }

    [Fact]
    public void A_write_that_cannot_be_serialized_is_rejected_and_the_others_are_written()
    {
        var probe = CreateTestProbe();
        var other = $"p-{Guid.NewGuid():N}";
        var writes = ImmutableList.Create<IPersistentEnvelope>(
            new AtomicWrite(new Persistent("a-6", 6, _pid, "", false, _sender.Ref, _writerGuid)),
            new AtomicWrite(new Persistent(new NotSerializable(), 1, other, "", false, _sender.Ref, _writerGuid)),
            new AtomicWrite(new Persistent("a-7", 7, _pid, "", false, _sender.Ref, _writerGuid)));
        _journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(TimeSpan.FromSeconds(10));
        probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == 6);
        probe.ExpectMsg<WriteMessageRejected>(m => m.Persistent.PersistenceId == other);
        probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == 7);

        Replay(6, long.MaxValue, long.MaxValue);
        ExpectReplayed(6, 7);
        ExpectRecoverySuccess(7);
        Replay(1, long.MaxValue, long.MaxValue, pid: other);
        ExpectRecoverySuccess(0);
    }

    [Fact]
    public void One_call_writes_many_persistence_ids_and_atomic_writes_of_several_events()
    {
        var probe = CreateTestProbe();
        var pids = Enumerable.Range(0, 20).Select(i => $"many-{i}-{Guid.NewGuid():N}").ToList();
        var writes = pids.Select(pid => (IPersistentEnvelope)new AtomicWrite(Enumerable.Range(1, 3)
            .Select(n => (IPersistentRepresentation)new Persistent($"a-{n}", n, pid, "", false, _sender.Ref, _writerGuid)).ToImmutableList()))
            .ToImmutableList();
        _journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(TimeSpan.FromSeconds(10));
        for (var i = 0; i < pids.Count * 3; i++) probe.ExpectMsg<WriteMessageSuccess>();

        foreach (var pid in pids)
        {
            Replay(1, long.MaxValue, long.MaxValue, pid);
            for (var n = 1; n <= 3; n++)
            {
                var expected = n;
                _receiver.ExpectMsg<ReplayedMessage>(m => m.Persistent.SequenceNr == expected && m.Persistent.PersistenceId == pid);
            }
            ExpectRecoverySuccess(3);
        }
    }

    [Fact]
    public void Replay_pages_through_long_journals_in_order()
    {
        WriteMessages(6, 2600, _pid);
        Replay(1, long.MaxValue, long.MaxValue);
        for (long n = 1; n <= 2600; n++)
        {
            var expected = n;
            _receiver.ExpectMsg<ReplayedMessage>(m => m.Persistent.SequenceNr == expected, TimeSpan.FromSeconds(10));
        }
        ExpectRecoverySuccess(2600);
    }

    private sealed class NotSerializable
    {
        // Akka's default serializer (JSON) reads every property: this one cannot be read.
        public int Value => throw new InvalidOperationException("not serializable");
    }
}
