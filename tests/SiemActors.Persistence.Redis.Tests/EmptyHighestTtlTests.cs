using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using StackExchange.Redis;
using Xunit;

namespace SiemActors.Persistence.Redis.Tests;

/// <summary>With <c>empty-highest-ttl</c> set, a persistence id whose events are all deleted leaves a highest number that expires.</summary>
public sealed class EmptyHighestTtlTests() : TestKit(Config(Prefix), "ttl-spec")
{
    private static readonly string Prefix = RedisPersistenceConfig.NewPrefix();

    private static Config Config(string prefix) => ConfigurationFactory.ParseString("akka.persistence.journal.redis.empty-highest-ttl = 1h")
        .WithFallback(RedisPersistenceConfig.Create(prefix));

    [Fact]
    public async Task The_highest_number_expires_only_once_every_event_is_deleted_and_a_write_keeps_it_again()
    {
        var journal = Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null);
        var pid = $"ttl-{Guid.NewGuid():N}";
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisPersistenceConfig.Endpoint);
        var highest = (RedisKey)$"{Prefix}:journal:{{{pid}}}:highest";

        Write(journal, pid, 1, 3);
        Delete(journal, pid, 2);
        Assert.Null(await redis.GetDatabase().KeyTimeToLiveAsync(highest));
        Delete(journal, pid, 3);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(highest);
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal("3", (string?)await redis.GetDatabase().StringGetAsync(highest));

        Write(journal, pid, 4, 4);
        Assert.Null(await redis.GetDatabase().KeyTimeToLiveAsync(highest));
    }

    private void Write(IActorRef journal, string pid, int from, int to)
    {
        var writes = Enumerable.Range(from, to - from + 1)
            .Select(i => (IPersistentEnvelope)new AtomicWrite(new Persistent($"a-{i}", i, pid, "", false, ActorRefs.NoSender, "w")))
            .ToImmutableList();
        journal.Tell(new WriteMessages(writes, TestActor, 1));
        ExpectMsg<WriteMessagesSuccessful>(TimeSpan.FromSeconds(10));
        for (var i = from; i <= to; i++) ExpectMsg<WriteMessageSuccess>();
    }

    private void Delete(IActorRef journal, string pid, long to)
    {
        journal.Tell(new DeleteMessagesTo(pid, to, TestActor));
        ExpectMsg<DeleteMessagesSuccess>(TimeSpan.FromSeconds(10));
    }
}
