using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// A mock Kafka broker hosted by Debian's kcat (librdkafka 2.0.2), for the ClickHouse Kafka-engine peer: ClickHouse
/// 18.16's consumer never joins a group on the in-process mock of librdkafka 2.16 (it waited minutes without a record),
/// while it reads from this one, and only what kcat itself produced (records from Confluent.Kafka 2.16's producer never
/// reached its table). Topics are auto-created with 4 partitions.
/// </summary>
internal sealed partial class KcatMockBroker : IDisposable
{
    private readonly Process _process;

    private KcatMockBroker(Process process, string bootstrap)
    {
        _process = process;
        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }

    public static KcatMockBroker Start()
    {
        var info = new ProcessStartInfo("kcat") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-b", "ignored:9092", "-C", "-t", "keepalive", "-o", "end", "-X", "test.mock.num.brokers=1", "-d", "mock" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("kcat did not start (apt-get install kcat)");
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Bootstrap().Match(line) is { Success: true } m) found.TrySetResult(m.Groups[1].Value);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!found.Task.Wait(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            throw new InvalidOperationException("kcat's mock cluster reported no bootstrap servers within 20 s");
        }
        return new KcatMockBroker(process, found.Task.Result);
    }

    /// <summary>A kcat producer of one partition: write one record per line to its input, then dispose it (it flushes and exits).</summary>
    public Producer OpenProducer(string topic, int partition) => new(BootstrapServers, topic, partition);

    public sealed class Producer : IDisposable
    {
        private readonly Process _process;

        public Producer(string bootstrap, string topic, int partition)
        {
            var info = new ProcessStartInfo("kcat") { RedirectStandardInput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-b", bootstrap, "-P", "-t", topic, "-p", partition.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                info.ArgumentList.Add(a);
            _process = Process.Start(info) ?? throw new InvalidOperationException("kcat did not start");
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
        }

        public void Write(byte[] line)
        {
            _process.StandardInput.BaseStream.Write(line);
            _process.StandardInput.BaseStream.WriteByte((byte)'\n');
        }

        public void Dispose()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(120_000)) _process.Kill();
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"bootstrap\.servers=(\S+)")]
    private static partial Regex Bootstrap();

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
