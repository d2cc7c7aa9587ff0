using System.Collections.Concurrent;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using SiemActors.Kafka.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using SiemActors.Testing;

namespace SiemActors.Kafka.Tests;

public sealed class DrainingControlTests(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTest(kafka, output)
{
    [Fact]
    public async Task DrainAndShutdown_should_commit_in_flight_work_so_the_next_run_starts_after_it()
    {
        const int partitions = 4;
        const int total = 2_000;
        var topic = Kafka.NewTopic(partitions);
        var group = EmbeddedKafkaFixture.NewGroup();
        await Kafka.ProduceAsync(topic, partitions, total);

        var firstRun = new ConcurrentDictionary<string, int>();
        var control = RunSlowly(group, topic, firstRun);
        await Eventually.True(() => firstRun.Count >= 300, Patience, () => $"{firstRun.Count} processed");
        await control.DrainAndShutdown().WaitAsync(Patience);

        // Everything that went through processing before the drain is committed, and nothing more.
        var committed = Kafka.Committed(group, topic, partitions).Select(o => Math.Max(o, 0)).Sum();
        Assert.Equal(firstRun.Count, committed);
        Assert.True(firstRun.Count < total, "the drain happened mid-stream");

        var secondRun = new ConcurrentDictionary<string, int>();
        var control2 = RunSlowly(group, topic, secondRun, throttle: false);
        await Eventually.True(() => firstRun.Count + secondRun.Count >= total, Patience,
            () => $"{firstRun.Count} + {secondRun.Count} processed");
        await control2.DrainAndShutdown().WaitAsync(Patience);

        Assert.Empty(firstRun.Keys.Intersect(secondRun.Keys));
        Assert.Equal(total, firstRun.Count + secondRun.Count);
        Assert.Equal(Kafka.EndOffsets(topic, partitions), Kafka.Committed(group, topic, partitions));
    }

    private DrainingControl<Done> RunSlowly(string group, string topic, ConcurrentDictionary<string, int> processed, bool throttle = true) =>
        RunCommitting(group, topic,
            m => processed.AddOrUpdate(m.Record.Message.Value, 1, (_, n) => n + 1),
            throttle ? s => s.Throttle(400, TimeSpan.FromSeconds(1), 50, ThrottleMode.Shaping) : null);
}
