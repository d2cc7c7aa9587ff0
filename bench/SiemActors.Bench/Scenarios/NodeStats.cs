using System.Globalization;

namespace SiemActors.Bench.Scenarios;

/// <summary>CPU time and peak resident memory of another process, from /proc (Linux).</summary>
internal static class NodeStats
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // after "pid (comm) ": state is field 3, utime 14, stime 15 → indexes 11 and 12 here
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    public static long PeakRssBytes(int pid) => Status(pid, "VmHWM:");

    public static long RssBytes(int pid) => Status(pid, "VmRSS:");

    /// <summary>The process whose command line names <paramref name="dll"/>; null if none runs.</summary>
    public static int? FindByCommandLine(string dll)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(dll, StringComparison.Ordinal)) return pid;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    private static long Status(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var kb = line[field.Length..].Trim().Split(' ')[0];
            return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }
}
