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

    public static NodeProcess Start(string configFile, string logFile, string httpUrl, string address, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SiemActors.Node.dll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configFile);
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        return new NodeProcess(Process.Start(info)!, log) { HttpUrl = httpUrl, Address = address };
    }

    public bool HasExited => _process.HasExited;

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
