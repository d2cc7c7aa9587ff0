using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using SiemActors.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Ui.Tests;

/// <summary>
/// The README's run command as a new user meets it: siemctl is the tool run.sh installed (no dotnet run), with the
/// node options before the verb; and when the node dies, run.sh restarts it while the broker keeps what is produced
/// meanwhile, which the restarted node stores.
/// </summary>
[Collection(RunScriptCollection.Name)]
public sealed class RunScriptSupervisionTests(ITestOutputHelper output)
{
    private const int Markers = 500;

    [Fact]
    public async Task The_installed_siemctl_answers_and_a_killed_node_is_restarted_and_stores_what_was_produced_while_it_was_down()
    {
        var (script, _) = await RunScript.StartAsync(TimeSpan.FromMinutes(4));
        await using var _ = script;
        try
        {
            // siemctl from the tool path run.sh printed, run outside the repository: it finds this run's node through
            // SIEM_STATE_DIR, as the printed PATH line says.
            var (code, text) = await Siemctl(script, "cluster", "show");
            Assert.True(code == 0, text);
            Assert.Matches(@"akka\.tcp://siem@127\.0\.0\.1:\d+\s+Up\s+yes", text);
            (code, text) = await Siemctl(script, "--json", "pipeline", "lag");
            Assert.True(code == 0, text);
            Assert.Equal(16, JsonDocument.Parse(text).RootElement.GetProperty("partitions").GetArrayLength());

            // SIGKILL: no drain, no commit. Once it is gone, records go to the broker while no node consumes.
            var killed = script.NodePid;
            using (var node = Process.GetProcessById(killed))
            {
                node.Kill();
                await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            var host = $"supervision-{Guid.NewGuid():N}";
            await ProduceMarkers(script.KafkaBootstrap, host);
            Assert.DoesNotContain("node restarted", script.Output); // they were produced while the node was down

            await Eventually.True(() => script.Output.Contains("node restarted", StringComparison.Ordinal), TimeSpan.FromMinutes(2),
                () => $"run.sh did not restart the node:\n{script.Output}", TimeSpan.FromMilliseconds(200));
            Assert.Contains($"the node (pid {killed}) exited unexpectedly", script.Output);
            Assert.Contains("killed by signal KILL", script.Output);
            Assert.Contains("   | ", script.Output); // the last lines of its log
            Assert.NotEqual(killed, script.NodePid);

            // Every marker stored once in ClickHouse, by the restarted node.
            using var clickHouse = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:8123/") };
            var sql = $"SELECT count(), uniqExact(event_id) FROM siem.siem_events FINAL WHERE host = '{host}' FORMAT TSV";
            async Task<string> Read()
            {
                using var answer = await clickHouse.PostAsync("", new StringContent(sql));
                return (await answer.Content.ReadAsStringAsync()).Trim();
            }
            var stored = await Eventually.Value(Read,
                v => v == $"{Markers}\t{Markers}", TimeSpan.FromMinutes(2), v => $"stored (count, distinct ids): {v}", TimeSpan.FromMilliseconds(500));
            Assert.Equal($"{Markers}\t{Markers}", stored);

            // The restarted node answers siemctl, and run.sh is still running.
            (code, text) = await Siemctl(script, "cluster", "show");
            Assert.True(code == 0, text);
            Assert.DoesNotContain("== stopping", script.Output);
        }
        finally
        {
            output.WriteLine(script.Output);
        }
    }

    private static async Task ProduceMarkers(string bootstrap, string host)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true }).Build();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Markers; i++)
        {
            var value = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = $"{host}-{i}", ["timestamp"] = now.AddMilliseconds(i).ToString("O", CultureInfo.InvariantCulture), ["host"] = host,
                ["source_type"] = "sshd", ["severity"] = "notice", ["message"] = $"marker {i} produced while the node was down",
            });
            producer.Produce("siem-events", new Message<string, string> { Key = $"{host}-{i % 16}", Value = value });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private static async Task<(int Code, string Output)> Siemctl(RunScript script, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(script.StateDirectory, "tools", "siemctl"))
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["SIEM_STATE_DIR"] = script.StateDirectory;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
