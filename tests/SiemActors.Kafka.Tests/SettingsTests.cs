using Akka.Configuration;
using Config = Akka.Configuration.Config;
using Confluent.Kafka;
using SiemActors.Kafka.Settings;
using Xunit;

namespace SiemActors.Kafka.Tests;

/// <summary>The defaults documented in docs/kafka.md are the ones the embedded reference.conf yields.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void Consumer_settings_from_the_default_config_equal_the_documented_defaults()
    {
        var settings = ConsumerSettings<string, string>.Create(Config.Empty, null, null);

        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.PollTimeout);
        Assert.Equal(1000, settings.MaxBatchPerPoll);
        Assert.Equal(10_000, settings.BufferSize);
        Assert.Equal(2_000, settings.PartitionBufferSize);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.WaitClosePartition);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.CloseTimeout);
        Assert.Equal(OffsetOutOfRange.Earliest, settings.OffsetOutOfRange);
        Assert.Equal(new Dictionary<string, string>
        {
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            ["auto.offset.reset"] = "earliest",
            ["partition.assignment.strategy"] = "cooperative-sticky",
        }, settings.Properties.ToDictionary());
    }

    [Fact]
    public void Producer_and_committer_settings_from_the_default_config_equal_the_documented_defaults()
    {
        var producer = ProducerSettings<string, string>.Create(Config.Empty, null, null);
        Assert.Equal(10_000, producer.Parallelism);
        Assert.Equal(TimeSpan.FromSeconds(60), producer.CloseTimeout);
        Assert.Equal(new Dictionary<string, string>
        {
            ["acks"] = "all",
            ["enable.idempotence"] = "true",
            ["compression.type"] = "lz4",
            ["linger.ms"] = "5",
        }, producer.Properties.ToDictionary());

        var committer = CommitterSettings.Create(Config.Empty);
        Assert.Equal(5_000, committer.MaxBatch);
        Assert.Equal(TimeSpan.FromSeconds(1), committer.MaxInterval);
        Assert.Equal(1, committer.Parallelism);
    }

    [Fact]
    public void Application_config_overrides_defaults_and_With_methods_leave_the_original_unchanged()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.kafka.consumer {
              poll-timeout = 10ms
              kafka-clients { group.id = from-hocon, fetch.min.bytes = 1024 }
            }
            """);
        var settings = ConsumerSettings<Ignore, byte[]>.Create(config, null, null);
        var changed = settings.WithGroupId("from-code").WithMaxBatchPerPoll(5);

        Assert.Equal(TimeSpan.FromMilliseconds(10), settings.PollTimeout);
        Assert.Equal("from-hocon", settings.GroupId);
        Assert.Equal("1024", settings.Properties["fetch.min.bytes"]);
        Assert.Equal("earliest", settings.Properties["auto.offset.reset"]);
        Assert.Equal("from-code", changed.GroupId);
        Assert.Equal(5, changed.MaxBatchPerPoll);
        Assert.Equal(1000, settings.MaxBatchPerPoll);
    }

    [Fact]
    public void Invalid_values_are_refused_with_the_reason()
    {
        var settings = ConsumerSettings<string, string>.Create(Config.Empty, null, null);
        Assert.Throws<ArgumentOutOfRangeException>(() => settings.WithMaxBatchPerPoll(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => settings.WithPollTimeout(TimeSpan.Zero));
        var missing = Assert.Throws<ArgumentException>(() => settings.ToConsumerConfig());
        Assert.Contains("bootstrap.servers", missing.Message);
    }
}
