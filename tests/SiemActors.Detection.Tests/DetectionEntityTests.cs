using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using SiemActors.Detection.Entity;
using SiemActors.Detection.Rules;
using SiemActors.Persistence.Redis;
using Xunit;

namespace SiemActors.Detection.Tests;

/// <summary>
/// The persistent entity on the real Redis journal: an entity stopped and started again (as after a node loss or a
/// rebalance) resumes its windows, skips a replayed batch, and publishes from its persisted outbox.
/// </summary>
public sealed class DetectionEntityTests : TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly string Redis = Environment.GetEnvironmentVariable("SIEM_REDIS") ?? "127.0.0.1:6379";

    private readonly DetectionSettings _settings;
    private readonly string _entityId = $"src_ip:10.9.{Random.Shared.Next(256)}.{Guid.NewGuid():N}";

    public DetectionEntityTests() : base(Config(), "detection-entity")
    {
        _settings = DetectionSettings.Create(Sys.Settings.Config);
    }

    [Fact]
    public void An_idle_entity_forgets_its_key_and_stops()
    {
        var settings = _settings with { ConfiguredIdleTimeout = TimeSpan.FromMilliseconds(500) };
        var publisher = new RecordingPublisher();
        var parent = CreateTestProbe();
        var entity = parent.ChildActorOf(Props.Create(() => new DetectionEntity(_entityId, settings, settings.Rules.ToDictionary(r => r.Name), publisher)));
        Send(entity, Batch(0, 0, 1));
        // It asks its shard to passivate it...
        var passivate = parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>(Timeout);
        Assert.IsType<PoisonPill>(passivate.StopMessage);
        Watch(entity);
        entity.Tell(passivate.StopMessage);
        ExpectTerminated(entity, Timeout);

        // ...having deleted its state: a new incarnation counts the same offsets again, from nothing.
        var again = Start(publisher);
        Assert.Equal(2, Send(again, Batch(0, 0, 1)).Applied);
    }

    [Fact]
    public void An_idle_entity_with_open_windows_goes_dormant_and_comes_back_with_them()
    {
        var settings = _settings with { DormantAfter = TimeSpan.FromMilliseconds(300) };
        var publisher = new RecordingPublisher();
        var parent = CreateTestProbe();
        IActorRef Incarnation() => parent.ChildActorOf(Props.Create(() => new DetectionEntity(_entityId, settings, settings.Rules.ToDictionary(r => r.Name), publisher)));
        var entity = Incarnation();
        Assert.Equal(2, Send(entity, Batch(0, 0, 1)).Applied); // 2 of the rule's 4

        // Nothing pending, no facts for dormant-after: it asks to be passivated, its windows saved in a snapshot.
        var passivate = parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>(Timeout);
        Watch(entity);
        entity.Tell(passivate.StopMessage);
        ExpectTerminated(entity, Timeout);

        // The key's next facts bring it back with its window: a replay is still recognised, and the count goes on.
        entity = Incarnation();
        Assert.Equal(0, Send(entity, Batch(0, 1)).Applied);
        Assert.Equal(2, Send(entity, Batch(0, 2, 3)).Applied);
        AwaitCondition(() => !publisher.Published.IsEmpty, Timeout);
        Assert.Equal(4, publisher.Published.First().Count);
    }

    private static Config Config()
    {
        var prefix = $"test-detection-{Guid.NewGuid():N}";
        return ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.persistence.journal { plugin = "akka.persistence.journal.redis", redis { connection = "{{Redis}}", key-prefix = "{{prefix}}" } }
            akka.persistence.snapshot-store { plugin = "akka.persistence.snapshot-store.redis", redis { connection = "{{Redis}}", key-prefix = "{{prefix}}" } }
            siem.detection {
              snapshot-every = 2
              publish-retry-min-backoff = 50ms
              publish-retry-max-backoff = 200ms
              rules = [ { name = brute, type = threshold, severity = error, key = src_ip, window = 5m, count = 4, filter = "true" } ]
            }
            """).WithFallback(DetectionSettings.DefaultConfig).WithFallback(RedisPluginSettings.DefaultConfig);
    }

    private IActorRef Start(IAlertPublisher publisher) =>
        Sys.ActorOf(Props.Create(() => new DetectionEntity(_entityId, _settings, _settings.Rules.ToDictionary(r => r.Name), publisher)));

    private void Stop(IActorRef entity)
    {
        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity, Timeout);
    }

    private DetectFacts Batch(int partition, params long[] offsets) => new(_entityId, partition, ["brute"],
        offsets.Select(o => new Fact(0, 0, o, 1_800_000_000_000 + partition * 1000 + o, $"p{partition}-{o}", "")).ToArray());

    private FactsAccepted Send(IActorRef entity, DetectFacts facts)
    {
        entity.Tell(facts, TestActor);
        return ExpectMsg<FactsAccepted>(Timeout);
    }

    [Fact]
    public void A_restarted_entity_resumes_its_window_and_skips_a_replayed_batch()
    {
        var publisher = new RecordingPublisher();
        var entity = Start(publisher);
        Assert.Equal(2, Send(entity, Batch(0, 0, 1)).Applied);
        Assert.Equal(1, Send(entity, Batch(1, 0)).Applied);
        Stop(entity);

        entity = Start(publisher);
        // The pipeline had not committed partition 1's batch: it comes again, and changes nothing.
        Assert.Equal(0, Send(entity, Batch(1, 0)).Applied);
        Assert.Empty(publisher.Published);
        Assert.Equal(1, Send(entity, Batch(1, 1)).Applied);
        AwaitCondition(() => !publisher.Published.IsEmpty, Timeout);
        var alert = publisher.Published.First();
        Assert.Equal(4, alert.Count);
        Assert.Equal(["p0-0", "p0-1", "p1-0", "p1-1"], alert.SampleEventIds.Order());

        // And after another restart (from the snapshot plus the journal) the alert is not fired again.
        Stop(entity);
        entity = Start(publisher);
        Assert.Equal(0, Send(entity, Batch(0, 1)).Applied);
        Assert.Equal(1, Send(entity, Batch(0, 2)).Applied);
        // Stopped between publishing and recording it, an entity publishes again: the stores keep one per id.
        Assert.Single(publisher.Published.Select(a => a.AlertId).Distinct());
    }

    [Fact]
    public void Batches_of_several_partitions_in_one_message_are_persisted_answered_once_and_replays_skipped()
    {
        var publisher = new RecordingPublisher();
        var entity = Start(publisher);
        Assert.Equal(1, Send(entity, Batch(2, 0)).Applied);

        // Partition 2's part is a replay; partitions 0 and 1 are new: one answer for the three parts.
        entity.Tell(new DetectFactsBatches(_entityId, [Batch(0, 0, 1), Batch(2, 0), Batch(1, 0)]), TestActor);
        Assert.Equal(3, ExpectMsg<FactsAccepted>(Timeout).Applied);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        AwaitCondition(() => !publisher.Published.IsEmpty, Timeout);
        Assert.Equal(["p0-0", "p0-1", "p1-0", "p2-0"], publisher.Published.Single().SampleEventIds.Order());

        // Every part was persisted: after a restart each is recognised as a replay.
        Stop(entity);
        entity = Start(publisher);
        entity.Tell(new DetectFactsBatches(_entityId, [Batch(1, 0), Batch(0, 1)]), TestActor);
        Assert.Equal(0, ExpectMsg<FactsAccepted>(Timeout).Applied);

        var serializer = Sys.Serialization.FindSerializerFor(new DetectFactsBatches(_entityId, []));
        var message = new DetectFactsBatches(_entityId, [Batch(3, 5, 6), Batch(4, 7)]);
        var copy = (DetectFactsBatches)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, message));
        Assert.Equal(message.EntityId, copy.EntityId);
        Assert.Equal(message.Parts.Select(p => (p.Partition, p.Facts.Length)), copy.Parts.Select(p => (p.Partition, p.Facts.Length)));
        Assert.Equal(message.Parts.SelectMany(p => p.Facts), copy.Parts.SelectMany(p => p.Facts));
    }

    [Fact]
    public void An_alert_the_stores_did_not_take_is_kept_and_published_after_a_restart()
    {
        var down = new RecordingPublisher { Failing = true };
        var entity = Start(down);
        Send(entity, Batch(0, 0, 1, 2, 3));
        AwaitCondition(() => Volatile.Read(ref down.Attempts) >= 2, Timeout);
        Stop(entity);

        var up = new RecordingPublisher();
        Start(up);
        AwaitCondition(() => !up.Published.IsEmpty, Timeout);
        Assert.Equal(4, up.Published.First().Count);
    }

    [Fact]
    public void A_store_that_recovers_gets_the_alert_without_a_restart()
    {
        var flaky = new RecordingPublisher { Failing = true };
        var entity = Start(flaky);
        Send(entity, Batch(0, 0, 1, 2, 3));
        AwaitCondition(() => Volatile.Read(ref flaky.Attempts) >= 2, Timeout);
        flaky.Failing = false;
        AwaitCondition(() => !flaky.Published.IsEmpty, Timeout);
        Assert.Single(flaky.Published.Select(a => a.AlertId).Distinct());
    }
}
