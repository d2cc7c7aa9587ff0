using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SiemActors.Ui.Tests;

/// <summary>
/// The README's run command (scripts/run.sh) started as a process: the embedded broker, a node with every role, the
/// generator. It uses the Redis and ClickHouse scripts/test.sh started and the binaries it built; ports, state folder
/// and JWT secret are this test's own. Stopped with SIGTERM, as Ctrl+C would; the state folder is removed after.
/// Every test that starts it is in the collection <see cref="RunScriptCollection"/>: two runs at once would clear each
/// other's exactly-once records (run.sh clears them for the default database and key prefix at start).
/// </summary>
internal sealed class RunScript : IAsyncDisposable
{
    public const string Secret = "ui-tests-secret-0123456789abcdefghijklmn";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunScript(Process process) => _process = process;

    public string StateDirectory { get; private init; } = "";

    /// <summary>The PID of the node run.sh supervises now (its <c>node.pid</c>).</summary>
    public int NodePid => int.Parse(File.ReadAllText(Path.Combine(StateDirectory, "node.pid")).Trim());

    /// <summary>The embedded broker's bootstrap servers.</summary>
    public string KafkaBootstrap => File.ReadAllText(Path.Combine(StateDirectory, "kafka.bootstrap")).Trim();

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static async Task<(RunScript Script, string Url)> StartAsync(TimeSpan deadline)
    {
        var root = RepositoryRoot();
        var state = Directory.CreateTempSubdirectory("siem-ui-test-").FullName;
        var info = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "run.sh")])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["SIEM_SERVICES"] = "external";
        info.Environment["SIEM_NO_BUILD"] = "1";
        info.Environment["SIEM_STATE_DIR"] = state;
        info.Environment["SIEM_HTTP_PORT"] = FreePort().ToString();
        info.Environment["SIEM_NODE_PORT"] = FreePort().ToString();
        info.Environment["SIEM_RATE"] = "200";
        info.Environment["SIEM_JWT_SECRET"] = Secret;
        var script = new RunScript(Process.Start(info)!) { StateDirectory = state };
        script._process.OutputDataReceived += (_, e) => script.Collect(e.Data);
        script._process.ErrorDataReceived += (_, e) => script.Collect(e.Data);
        script._process.BeginOutputReadLine();
        script._process.BeginErrorReadLine();
        _ = script._process.WaitForExitAsync().ContinueWith(_ =>
            script._running.TrySetException(new InvalidOperationException($"scripts/run.sh exited with {script._process.ExitCode}:\n{script.Output}")));
        try
        {
            var url = await script._running.Task.WaitAsync(deadline);
            return (script, url);
        }
        catch
        {
            await script.DisposeAsync();
            throw;
        }
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        var at = line.IndexOf("UI:", StringComparison.Ordinal);
        if (at >= 0) _running.TrySetResult(line[(at + 3)..].Trim().Split("/#")[0]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: /tmp is cleaned anyway.
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SiemActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("no SiemActors.sln above the test binaries");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
