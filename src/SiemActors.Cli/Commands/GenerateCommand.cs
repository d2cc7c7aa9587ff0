using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using SiemActors.Cli.Config;
using SiemActors.Cli.Generate;

namespace SiemActors.Cli.Commands;

/// <summary>
/// <c>siemctl generate</c>: produces demo security events (JSON, Vector's shape) at a given rate, keyed by host, with
/// an idempotent producer. Bootstrap servers default to <c>.siem/kafka.bootstrap</c>, the topic to
/// <c>siem.kafka.topics.events.name</c>.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(Option<string?> configOption, Option<string?> stateDirOption)
    {
        var rate = new Option<int>("--rate") { Description = "events per second (0: as fast as possible)", DefaultValueFactory = _ => 1000 };
        var count = new Option<long>("--count") { Description = "events in all (0: until stopped)", DefaultValueFactory = _ => 0 };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Kafka bootstrap servers (default: .siem/kafka.bootstrap)" };
        var topic = new Option<string?>("--topic") { Description = "topic (default: siem.kafka.topics.events.name)" };
        var seed = new Option<int>("--seed") { Description = "random seed, for repeatable content", DefaultValueFactory = _ => Environment.TickCount };
        var backfill = new Option<int>("--backfill-days")
        {
            Description = "give the events times spread evenly over the N whole days (UTC) before today instead of now: history for the archive's demo (needs --count)",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("generate", "Produce demo security events") { rate, count, bootstrap, topic, seed, backfill };
        command.SetAction(async (result, cancellation) =>
        {
            var config = SiemConfig.Load(result.GetValue(configOption));
            var servers = result.GetValue(bootstrap) ?? ReadBootstrap(SiemConfig.StateDirectory(result.GetValue(stateDirOption)));
            var name = result.GetValue(topic) ?? config.GetString("siem.kafka.topics.events.name", "siem-events");
            var days = result.GetValue(backfill);
            if (days < 0 || days > 3650 || days > 0 && result.GetValue(count) <= 0) throw new CliException("--backfill-days takes 1 to 3650 days and a --count");
            return await RunAsync(servers, name, result.GetValue(rate), result.GetValue(count), result.GetValue(seed), days, cancellation);
        });
        return command;
    }

    private static string ReadBootstrap(string stateDir)
    {
        var file = Path.Combine(stateDir, KafkaUpCommand.BootstrapFile);
        if (!File.Exists(file)) throw new CliException($"no {file}: start the embedded broker (siemctl kafka up) or pass --bootstrap");
        return File.ReadAllText(file).Trim();
    }

    private static async Task<int> RunAsync(string bootstrap, string topic, int rate, long count, int seed, int backfillDays, CancellationToken cancellation)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        }).Build();
        var events = new DemoEvents(seed, $"gen-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x}-{seed & 0xffff:x}");
        var clock = Stopwatch.StartNew();
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var backfillStart = today.AddDays(-backfillDays);
        long sent = 0, failed = 0;
        Console.WriteLine($"generating {(count == 0 ? "until stopped" : $"{count:N0} events")} at {(rate == 0 ? "full speed" : $"{rate:N0}/s")} into {topic} at {bootstrap}");
        while (!cancellation.IsCancellationRequested && (count == 0 || sent < count))
        {
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds((double)sent / rate) - clock.Elapsed;
                if (due > TimeSpan.FromMilliseconds(2)) await Task.Delay(due, cancellation).ContinueWith(_ => { });
                if (cancellation.IsCancellationRequested) break;
            }
            var (key, value) = events.Next(backfillDays == 0 ? DateTimeOffset.UtcNow : backfillStart + (today - backfillStart) * ((double)sent / count));
            try
            {
                producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
                sent++;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(20));
            }
            if (sent % 100_000 == 0 && sent > 0) Console.WriteLine($"  {sent:N0} sent, {sent / clock.Elapsed.TotalSeconds:N0}/s");
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        Console.WriteLine($"sent {sent:N0} events in {clock.Elapsed.TotalSeconds:N1} s; {Interlocked.Read(ref failed)} failed");
        return Interlocked.Read(ref failed) == 0 ? 0 : 1;
    }
}
