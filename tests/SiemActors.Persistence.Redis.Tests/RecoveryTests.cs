using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;

namespace SiemActors.Persistence.Redis.Tests;

/// <summary>
/// A persistent actor's state survives the whole actor system: written in one system, recovered in a new one on the
/// same Redis (from a snapshot plus the events after it, also after the events before the snapshot are deleted).
/// </summary>
public sealed class RecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task State_written_in_one_actor_system_is_recovered_in_the_next()
    {
        var prefix = RedisPersistenceConfig.NewPrefix();
        var pid = $"counter-{Guid.NewGuid():N}";

        using (var first = new TestKit(RedisPersistenceConfig.Create(prefix), "first"))
        {
            var counter = first.Sys.ActorOf(Props.Create(() => new Counter(pid)));
            for (var i = 1; i <= 10; i++) counter.Tell(new Add(i), first.TestActor);
            for (var i = 1; i <= 10; i++) first.ExpectMsg<long>(Timeout);
            counter.Tell(Counter.TakeSnapshot, first.TestActor);
            first.ExpectMsg<SaveSnapshotSuccess>(Timeout);
            counter.Tell(Counter.DeleteUpToSnapshot, first.TestActor);
            first.ExpectMsg<DeleteMessagesSuccess>(Timeout);
            for (var i = 11; i <= 12; i++) counter.Tell(new Add(i), first.TestActor);
            first.ExpectMsg<long>(Timeout);
            Assert.Equal(78, first.ExpectMsg<long>(Timeout));
            await first.Sys.Terminate();
        }

        using var second = new TestKit(RedisPersistenceConfig.Create(prefix), "second");
        var recovered = second.Sys.ActorOf(Props.Create(() => new Counter(pid)));
        recovered.Tell(Counter.Report, second.TestActor);
        var report = second.ExpectMsg<CounterReport>(Timeout);
        Assert.Equal(78, report.Total);
        Assert.Equal(12, report.LastSequenceNr);
        Assert.True(report.FromSnapshot, "recovery started from the snapshot");
        Assert.Equal(2, report.EventsReplayed);
    }

    private sealed record Add(int Amount);

    private sealed record CounterReport(long Total, long LastSequenceNr, bool FromSnapshot, int EventsReplayed);

    private sealed class Counter : ReceivePersistentActor
    {
        public const string TakeSnapshot = "snapshot";
        public const string DeleteUpToSnapshot = "delete";
        public const string Report = "report";

        private long _total;
        private bool _fromSnapshot;
        private int _replayed;
        private IActorRef? _snapshotRequester;

        public Counter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<SnapshotOffer>(offer =>
            {
                _total = (long)offer.Snapshot;
                _fromSnapshot = true;
            });
            Recover<int>(amount =>
            {
                _total += amount;
                _replayed++;
            });
            Command<Add>(add => Persist(add.Amount, amount =>
            {
                _total += amount;
                Sender.Tell(_total);
            }));
            Command<string>(c => c == TakeSnapshot, _ =>
            {
                _snapshotRequester = Sender;
                SaveSnapshot(_total);
            });
            Command<SaveSnapshotSuccess>(s => _snapshotRequester?.Tell(s));
            Command<string>(c => c == DeleteUpToSnapshot, _ =>
            {
                _snapshotRequester = Sender;
                DeleteMessages(LastSequenceNr);
            });
            Command<DeleteMessagesSuccess>(s => _snapshotRequester?.Tell(s));
            Command<string>(c => c == Report, _ => Sender.Tell(new CounterReport(_total, LastSequenceNr, _fromSnapshot, _replayed)));
        }

        public override string PersistenceId { get; }
    }
}
