using System.CommandLine;
using System.Runtime.InteropServices;
using SiemActors.Cli.Config;
using SiemActors.Kafka.Embedded;

namespace SiemActors.Cli.Commands;

/// <summary>
/// <c>siemctl kafka up</c>: runs the embedded Kafka broker in the foreground, creates the pipeline's topics, and
/// publishes the bootstrap servers in <c>.siem/kafka.bootstrap</c> until it is stopped (Ctrl+C or SIGTERM).
/// </summary>
internal static class KafkaUpCommand
{
    public const string BootstrapFile = "kafka.bootstrap";

    public static Command Create(Option<string?> configOption, Option<string?> stateDirOption)
    {
        var command = new Command("up", "Run the embedded Kafka broker (librdkafka's mock cluster) until stopped");
        command.SetAction(async (result, cancellation) =>
        {
            var config = SiemConfig.Load(result.GetValue(configOption));
            var stateDir = SiemConfig.StateDirectory(result.GetValue(stateDirOption));
            return await RunAsync(config, stateDir, cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(Akka.Configuration.Config config, string stateDir, CancellationToken cancellation)
    {
        var brokers = config.GetInt("siem.kafka.embedded.brokers", 3);
        var delay = config.GetTimeSpan("siem.kafka.embedded.initial-rebalance-delay", TimeSpan.Zero);
        var topics = TopicSpec.From(config);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });

        using var cluster = EmbeddedKafkaCluster.Start(brokers, delay);
        foreach (var topic in topics) cluster.CreateTopic(topic.Name, topic.Partitions);

        Directory.CreateDirectory(stateDir);
        var file = Path.Combine(stateDir, BootstrapFile);
        var temp = file + ".tmp";
        await File.WriteAllTextAsync(temp, cluster.BootstrapServers + "\n", CancellationToken.None);
        File.Move(temp, file, overwrite: true); // readers never see a half-written file

        Console.WriteLine($"embedded Kafka: {brokers} broker(s) at {cluster.BootstrapServers}");
        foreach (var topic in topics) Console.WriteLine($"  topic {topic.Name}: {topic.Partitions} partitions");
        Console.WriteLine($"bootstrap servers written to {file}; stop with Ctrl+C or SIGTERM");
        Console.Out.Flush();

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Only remove the file if it is still ours (a newer broker may have replaced it).
            if (File.Exists(file) && (await File.ReadAllTextAsync(file, CancellationToken.None)).Trim() == cluster.BootstrapServers)
                File.Delete(file);
        }
        Console.WriteLine("embedded Kafka stopped");
        return 0;
    }
}
