using System.Globalization;
using StackExchange.Redis;

namespace SiemActors.Bench.Scenarios;

/// <summary>What one Redis command had cost the server by a moment (<c>INFO commandstats</c>): calls and microseconds.</summary>
internal sealed record RedisCommandCost(string Command, long Calls, long Micros);

/// <summary>A command's cost per stored event over a phase: calls and server microseconds (INFO commandstats).</summary>
internal sealed record RedisCommandPerEvent(string Command, double Calls, double Micros);

/// <summary>The Redis server's own account of its work at a moment: CPU time (<c>INFO cpu</c>) and per-command costs.</summary>
internal sealed record RedisServerSample(double CpuSeconds, IReadOnlyList<RedisCommandCost> Commands)
{
    public static readonly RedisServerSample None = new(0, []);
}

/// <summary>
/// Samples the Redis server the node writes to: <c>used_cpu_user + used_cpu_sys</c> (the main process, every thread) and
/// <c>INFO commandstats</c>. Differences of two samples are the server's cost of what happened between them — the
/// figure the node's layout and scripts decide, and the one that bounds a node on a machine it shares with Redis.
/// </summary>
internal sealed class RedisServerStats(IConnectionMultiplexer redis) : IDisposable
{
    private readonly IServer _server = redis.GetServers().First(s => !s.IsReplica);

    public static async Task<RedisServerStats> ConnectAsync(string connection) =>
        new(await ConnectionMultiplexer.ConnectAsync(connection + ",allowAdmin=true"));

    public async Task<RedisServerSample> TakeAsync()
    {
        var cpu = Fields(await _server.InfoRawAsync("cpu"));
        var stats = Fields(await _server.InfoRawAsync("commandstats"));
        var commands = new List<RedisCommandCost>();
        foreach (var (name, value) in stats)
        {
            // cmdstat_xadd:calls=5,usec=41,usec_per_call=8.20,rejected_calls=0,failed_calls=0
            if (!name.StartsWith("cmdstat_", StringComparison.Ordinal)) continue;
            var parts = value.Split(',').Select(p => p.Split('=')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            commands.Add(new RedisCommandCost(name["cmdstat_".Length..], long.Parse(parts["calls"], CultureInfo.InvariantCulture),
                long.Parse(parts["usec"], CultureInfo.InvariantCulture)));
        }
        return new RedisServerSample(Number(cpu, "used_cpu_user") + Number(cpu, "used_cpu_sys"), commands);
    }

    /// <summary>
    /// Per event between two samples: the server's CPU in µs, and each command that ran, as calls and µs per event,
    /// costliest first.
    /// </summary>
    public static (double CpuMicros, IReadOnlyList<RedisCommandPerEvent> PerEvent) PerEvent(RedisServerSample from, RedisServerSample to, long events)
    {
        if (events <= 0 || to.Commands.Count == 0) return (double.NaN, []);
        var before = from.Commands.ToDictionary(c => c.Command);
        var perEvent = to.Commands
            .Select(c => before.TryGetValue(c.Command, out var b) ? c with { Calls = c.Calls - b.Calls, Micros = c.Micros - b.Micros } : c)
            .Where(c => c.Calls > 0)
            .OrderByDescending(c => c.Micros)
            .Select(c => new RedisCommandPerEvent(c.Command, (double)c.Calls / events, (double)c.Micros / events))
            .ToList();
        return ((to.CpuSeconds - from.CpuSeconds) * 1e6 / events, perEvent);
    }

    private static Dictionary<string, string> Fields(string? info) =>
        (info ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#' && l.Contains(':'))
            .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..]);

    private static double Number(Dictionary<string, string> fields, string name) => double.Parse(fields[name], CultureInfo.InvariantCulture);

    public void Dispose() => redis.Dispose();
}
