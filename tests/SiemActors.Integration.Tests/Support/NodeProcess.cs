using System.Diagnostics;

namespace SiemActors.Integration.Tests.Support;

/// <summary>A SiemActors node running as its own process, its output in a log file for diagnosis.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private NodeProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the node serves HTTP: the API, health, management and (metrics port 0) metrics.</summary>
    public string HttpUrl { get; private init; } = "";

    /// <summary>The node's cluster address.</summary>
    public string Address { get; private init; } = "";

    /// <summary>Starts <c>SiemActors.Node</c> with the config file, its output appended to the log file.</summary>
    /// <param name="configFile">The node's HOCON.</param>
    /// <param name="logFile">Where its standard output and error go.</param>
    /// <param name="httpUrl">Where it will serve HTTP.</param>
    /// <param name="address">Its cluster address.</param>
    /// <param name="environment">Extra environment variables (a crash point).</param>
    /// <param name="netns">The network namespace to run in (a lab host), or null for this one.</param>
    public static NodeProcess Start(string configFile, string logFile, string httpUrl, string address, IReadOnlyDictionary<string, string>? environment = null,
        string? netns = null)
    {
        // nsenter enters the namespace and execs dotnet: the process (and its PID) is the node's own.
        var enter = netns is null ? [] : Network.NetworkLab.Enter(netns);
        var info = new ProcessStartInfo(netns is null ? "dotnet" : enter[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        if (netns is not null)
        {
            foreach (var a in enter.Skip(1).Append("dotnet")) info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SiemActors.Node.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configFile);
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        return new NodeProcess(Process.Start(info)!, log) { HttpUrl = httpUrl, Address = address };
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once exited (137 after SIGKILL, its own or ours).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until /health/ready answers 200 (in the cluster, sinks connected, consumer group joined).</summary>
    public async Task UntilReady(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (HasExited) throw new InvalidOperationException($"the node at {HttpUrl} exited with {ExitCode} before it was ready");
            try
            {
                using var response = await http.GetAsync(HttpUrl + "/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the node at {HttpUrl} was not ready within {within}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits for the process to exit by itself (a crash point); false if it still runs after <paramref name="within"/>.</summary>
    public async Task<bool> ExitedWithin(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The node's resident memory now (VmRSS), in bytes; 0 once it has exited.</summary>
    public long ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>SIGSTOP: the process freezes where it is (a VM pause, a long GC); <see cref="Resume"/> thaws it.</summary>
    public void Freeze() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no drain, no commit, no goodbye.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then the exit code once the node has drained and left.</summary>
    public async Task<int> Terminate(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
