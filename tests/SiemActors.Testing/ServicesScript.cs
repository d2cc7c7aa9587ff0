using System.Diagnostics;

namespace SiemActors.Testing;

/// <summary>Runs scripts/services.sh — start, stop or kill a service the tests use — and throws with its output if it fails.</summary>
public static class ServicesScript
{
    /// <param name="arguments">The verb and what it applies to (<c>start redis-cluster</c>, <c>kill clickhouse-cluster 1</c>).</param>
    /// <param name="environment">Ports and the state directory (SIEM_SERVICES_DIR, SIEM_REDIS_PORT, …).</param>
    public static async Task RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "services.sh"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("scripts/services.sh did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"services.sh {string.Join(' ', info.ArgumentList.Skip(1))} failed ({process.ExitCode}): {await output}{await errors}");
    }

    /// <summary>The repository the tests run from: the folder above them that holds scripts/services.sh.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "services.sh"))) return dir.FullName;
        throw new InvalidOperationException("scripts/services.sh not found above " + AppContext.BaseDirectory);
    }
}
