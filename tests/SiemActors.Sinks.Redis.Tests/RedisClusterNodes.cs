using System.Diagnostics;
using StackExchange.Redis;

namespace SiemActors.Sinks.Redis.Tests;

/// <summary>Crashes and restarts nodes of the test Redis Cluster (scripts/services.sh's).</summary>
internal static class RedisClusterNodes
{
    /// <summary>The master that holds <paramref name="key"/>'s slot.</summary>
    public static IServer MasterOf(IConnectionMultiplexer redis, RedisKey key) => redis.GetServer(key);

    /// <summary>The replica of <paramref name="master"/>.</summary>
    public static async Task<IServer> ReplicaOf(IConnectionMultiplexer redis, IServer master)
    {
        var id = ((string)(await master.ExecuteAsync("CLUSTER", "MYID"))!).Trim();
        var nodes = (string)(await master.ExecuteAsync("CLUSTER", "NODES"))!;
        var line = nodes.Split('\n').First(l => l.Contains(" slave " + id, StringComparison.Ordinal)).Split(' ');
        return redis.GetServer(line[1][..line[1].IndexOf('@')]);
    }

    /// <summary>A Redis node's process.</summary>
    public static async Task<Process> ProcessOf(IServer server)
    {
        var info = (string)(await server.ExecuteAsync("INFO", "server"))!;
        return Process.GetProcessById(int.Parse(Field(info, "process_id")));
    }

    /// <summary>The replication offset a node reports (INFO replication: master_repl_offset).</summary>
    public static async Task<long> ReplicationOffset(IServer server) =>
        long.Parse(Field((string)(await server.ExecuteAsync("INFO", "replication"))!, "master_repl_offset"));

    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {process.Id} failed");
    }

    private static string Field(string info, string name) =>
        info.Split('\n').Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    /// <summary>
    /// Whether the cluster (asked through a node still up) holds <paramref name="endpoint"/> failed and serving no slot:
    /// its replica took them over. Start a killed master again only then, or it comes back empty as master of its slots.
    /// </summary>
    public static async Task<bool> FailedOver(IConnectionMultiplexer redis, string endpoint)
    {
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && s.EndPoint.ToString() != endpoint))
        {
            try
            {
                var nodes = (string)(await server.ExecuteAsync("CLUSTER", "NODES"))!;
                var line = nodes.Split('\n').Single(l => l.Contains(" " + endpoint + "@", StringComparison.Ordinal)).Trim().Split(' ');
                return line[2].Split(',').Contains("fail") && line.Length <= 8;
            }
            catch (RedisException)
            {
                // that node is not answering either: ask another
            }
        }
        return false;
    }

    /// <summary>Starts the nodes that are down (they rejoin, the killed master as a replica) and waits for a healthy cluster.</summary>
    public static async Task Restart()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "services.sh");
        var start = new ProcessStartInfo(script) { ArgumentList = { "start", "redis-cluster" }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("scripts/services.sh did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0) throw new InvalidOperationException($"services.sh start redis-cluster failed: {await output}{await errors}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "services.sh"))) return dir.FullName;
        throw new InvalidOperationException("scripts/services.sh not found above " + AppContext.BaseDirectory);
    }
}
