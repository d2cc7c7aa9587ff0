using Akka;
using Akka.Configuration;
using Akka.Streams.Dsl;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Messages;
using Config = Akka.Configuration.Config;
using Akka.Streams;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using SiemActors.Kafka.Settings;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Kafka.Tests.Support;

/// <summary>An ActorSystem with a materializer, settings pointed at the embedded cluster.</summary>
[Collection(KafkaCollection.Name)]
public abstract class KafkaStreamTest : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.kafka.consumer.poll-timeout = 20ms
        akka.kafka.committer.max-interval = 100ms
        """);

    protected KafkaStreamTest(EmbeddedKafkaFixture kafka, ITestOutputHelper output) : base(TestConfig, output: output)
    {
        Kafka = kafka;
        Materializer = Sys.Materializer();
    }

    protected EmbeddedKafkaFixture Kafka { get; }

    protected ActorMaterializer Materializer { get; }

    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected ConsumerSettings<string, string> ConsumerSettings(string group) =>
        ConsumerSettings<string, string>.Create(Sys, Deserializers.Utf8, Deserializers.Utf8)
            .WithBootstrapServers(Kafka.BootstrapServers)
            .WithGroupId(group)
            .WithProperty("session.timeout.ms", "6000")
            .WithProperty("heartbeat.interval.ms", "500");

    protected CommitterSettings CommitterSettings => CommitterSettings.Create(Sys);

    /// <summary>
    /// Consumes <paramref name="topic"/> in <paramref name="group"/>, hands each message to <paramref name="process"/>
    /// (after <paramref name="pace"/>, if given) and commits it; stop it with <c>DrainAndShutdown</c>.
    /// </summary>
    protected DrainingControl<Done> RunCommitting(string group, string topic, Action<CommittableMessage<string, string>> process,
        Func<Source<CommittableMessage<string, string>, IControl>, Source<CommittableMessage<string, string>, IControl>>? pace = null)
    {
        var source = KafkaConsumer.CommittableSource(ConsumerSettings(group), Subscriptions.Topics(topic));
        return (pace?.Invoke(source) ?? source)
            .Select(m =>
            {
                process(m);
                return (ICommittable)m.CommittableOffset;
            })
            .ToMaterialized(Committer.Sink(CommitterSettings), Keep.Both)
            .MapMaterializedValue(DrainingControl<Done>.Create)
            .Run(Materializer);
    }

    /// <summary>Runs <paramref name="test"/>, then asserts that every stage it materialized has stopped (the stream TestKit's check).</summary>
    protected Task AllStagesStopped(Func<Task> test) => this.AssertAllStagesStoppedAsync(test, Materializer, TimeSpan.FromMinutes(3)); // the timeout covers the test body too

    protected ProducerSettings<string, string> ProducerSettings =>
        ProducerSettings<string, string>.Create(Sys, Serializers.Utf8, Serializers.Utf8).WithBootstrapServers(Kafka.BootstrapServers);
}
