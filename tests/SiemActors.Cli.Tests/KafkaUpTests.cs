using Confluent.Kafka;
using Xunit;
using SiemActors.Testing;

namespace SiemActors.Cli.Tests;

public sealed class KafkaUpTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("siemctl-test-").FullName;

    [Fact]
    public async Task Kafka_up_creates_the_configured_topics_publishes_the_bootstrap_file_and_removes_it_on_SIGTERM()
    {
        var config = Path.Combine(_dir, "siem.conf");
        await File.WriteAllTextAsync(config, """
            siem.kafka {
              topics {
                events { name = "ev-test", partitions = 16 }
                dead-letter { name = "dlq-test", partitions = 2 }
              }
              embedded { brokers = 2, initial-rebalance-delay = 0s }
            }
            """);
        var state = Path.Combine(_dir, "state");
        var bootstrapFile = Path.Combine(state, "kafka.bootstrap");
        using var siemctl = SiemctlProcess.Start(_dir, "kafka", "up", "--config", config, "--state-dir", state);

        await Until(() => File.Exists(bootstrapFile), () => $"no {bootstrapFile}; siemctl said: {siemctl.Output}");
        var bootstrap = (await File.ReadAllTextAsync(bootstrapFile)).Trim();
        Assert.Equal(2, bootstrap.Split(',').Length);

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            Assert.Equal(16, metadata.Topics.Single(t => t.Topic == "ev-test").Partitions.Count);
            Assert.Equal(2, metadata.Topics.Single(t => t.Topic == "dlq-test").Partitions.Count);
        }
        await Until(() => siemctl.Output.Contains(bootstrap), () => $"siemctl did not print {bootstrap}: {siemctl.Output}");

        siemctl.Terminate();
        Assert.Equal(0, await siemctl.ExitCode(Patience));
        Assert.False(File.Exists(bootstrapFile), "the bootstrap file outlived the broker");
    }

    [Fact]
    public async Task A_missing_config_file_is_reported_with_its_path_and_exit_code_2()
    {
        var missing = Path.Combine(_dir, "nope.conf");
        using var siemctl = SiemctlProcess.Start(_dir, "kafka", "up", "--config", missing, "--state-dir", _dir);
        Assert.Equal(2, await siemctl.ExitCode(Patience));
        Assert.Contains($"config file {missing} does not exist", siemctl.Output);
    }

    [Fact]
    public async Task A_topic_without_partitions_is_refused_by_name()
    {
        var config = Path.Combine(_dir, "bad.conf");
        await File.WriteAllTextAsync(config, """siem.kafka.topics { events { name = "x", partitions = 0 } }""");
        using var siemctl = SiemctlProcess.Start(_dir, "kafka", "up", "--config", config, "--state-dir", _dir);
        Assert.Equal(2, await siemctl.ExitCode(Patience));
        Assert.Contains("siem.kafka.topics.events.partitions must be at least 1", siemctl.Output);
    }

    private static Task Until(Func<bool> condition, Func<string> describe) => Eventually.True(condition, Patience, describe, TimeSpan.FromMilliseconds(50));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
