using Akka.Configuration;

namespace SiemActors.Cli.Config;

/// <summary>Finds the repository's state folder and loads <c>hocon/siem.conf</c>.</summary>
internal static class SiemConfig
{
    public const string DefaultFile = "hocon/siem.conf";

    /// <summary>
    /// The folder holding <c>SiemActors.sln</c>: at or above the current directory, else at or above siemctl's own
    /// files (a siemctl installed by scripts/run.sh into <c>.siem/tools</c>, or run through <c>scripts/siemctl</c>, finds
    /// its repository from anywhere); null if there is none.
    /// </summary>
    public static string? RepositoryRoot() => RootAtOrAbove(Directory.GetCurrentDirectory()) ?? RootAtOrAbove(AppContext.BaseDirectory);

    private static string? RootAtOrAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SiemActors.sln"))) return dir.FullName;
        }
        return null;
    }

    /// <summary>The given file, else <c>hocon/siem.conf</c> of the repository.</summary>
    public static Akka.Configuration.Config Load(string? path)
    {
        var file = path ?? (RepositoryRoot() is { } root ? Path.Combine(root, DefaultFile) : null)
            ?? throw new CliException($"no --config given and no SiemActors.sln at or above {Directory.GetCurrentDirectory()} to find {DefaultFile} in");
        if (!File.Exists(file)) throw new CliException($"config file {file} does not exist");
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is not CliException)
        {
            throw new CliException($"config file {file} is not valid HOCON: {ex.Message}");
        }
    }

    /// <summary>The given folder, else SIEM_STATE_DIR (as scripts/run.sh takes it), else <c>.siem/</c> of the repository; null if none.</summary>
    public static string? FindStateDirectory(string? path) =>
        path ?? (Environment.GetEnvironmentVariable("SIEM_STATE_DIR") is { Length: > 0 } env ? env : null)
             ?? (RepositoryRoot() is { } root ? Path.Combine(root, ".siem") : null);

    /// <summary>As <see cref="FindStateDirectory"/>, or an error saying how to name one.</summary>
    public static string StateDirectory(string? path) =>
        FindStateDirectory(path)
        ?? throw new CliException($"no --state-dir given, SIEM_STATE_DIR is not set and no SiemActors.sln at or above {Directory.GetCurrentDirectory()}");
}

/// <summary>An error the user can act on: printed without a stack trace, with its exit code (<see cref="ExitCodes"/>).</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode => exitCode;
}

/// <summary>siemctl's exit codes, documented in docs/operations.md.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A failure not covered below.</summary>
    public const int Failed = 1;
    /// <summary>Bad usage or configuration: a missing file, a bad option value.</summary>
    public const int Usage = 2;
    /// <summary>The node could not be reached (connection refused, timeout, DNS).</summary>
    public const int Unreachable = 3;
    /// <summary>The node refused the management token (missing or wrong).</summary>
    public const int Unauthorized = 4;
    /// <summary>The node refused the request (not a member, no ingest role, …) or failed answering it.</summary>
    public const int Refused = 5;
}
