using System.Diagnostics;
using StackExchange.Redis;

namespace SiemActors.Testing;

/// <summary>
/// A Redis Cluster of scripts/services.sh (<c>start redis-cluster</c>): three masters and three replicas from
/// <paramref name="firstPort"/>, state in <paramref name="servicesDir"/> (null: the script's default, the cluster
/// scripts/test.sh starts). Crashes and restarts its nodes.
/// </summary>
public sealed class RedisClusterNodes(int firstPort = 7000, string? servicesDir = null)
{
    /// <summary>The connection string: the first three nodes as seeds.</summary>
    public string Endpoint => $"127.0.0.1:{firstPort},127.0.0.1:{firstPort + 1},127.0.0.1:{firstPort + 2}";

    /// <summary>Starts every node that is down (a new cluster is created) and waits for a healthy cluster.</summary>
    public Task Start() => Services("start");

    /// <summary>Stops every node and forgets the cluster.</summary>
    public Task Stop() => Services("stop");

    /// <summary>
    /// Crashes the master of <paramref name="key"/>'s slot at the worst moment for acknowledged writes and waits until the
    /// cluster is whole again: its replica is paused (SIGSTOP) and cut off (CLIENT KILL TYPE replica) until the master
    /// holds writes the replica never received, then the master is SIGKILLed, the replica resumed and promoted (after
    /// cluster-node-timeout), and the killed node started again (it rejoins as the new master's replica and copies it).
    /// Without WAIT, what the master acknowledged after the cut is lost. Needs writes to the master meanwhile.
    /// Returns the killed node's endpoint.
    /// </summary>
    public async Task<string> CrashMasterOf(RedisKey key, TimeSpan within)
    {
        // Admin commands on a connection of their own, made now (the cluster's current topology): the writers' connections
        // to the master are held by WAITs while the replica is paused.
        using var admin = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},allowAdmin=true");
        var master = MasterOf(admin, key);
        var replica = await ReplicaOf(admin, master);
        var replicaProcess = await ProcessOf(replica);
        var masterProcess = await ProcessOf(master);
        var killed = master.EndPoint.ToString()!;
        Signal(replicaProcess, "STOP");
        try
        {
            await master.ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
            var cut = await ReplicationOffset(master);
            await Eventually.True(async () => await ReplicationOffset(master) > cut, within, "writes on the master that its replica does not have");
            Signal(masterProcess, "KILL");
        }
        finally
        {
            Signal(replicaProcess, "CONT");
        }
        await Eventually.True(() => FailedOver(admin, killed), within, $"the slots of {killed} taken over by its replica");
        await Restart();
        return killed;
    }

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
    public Task Restart() => Services("start");

    private Task Services(string verb)
    {
        var environment = new Dictionary<string, string> { ["SIEM_REDIS_CLUSTER_PORT"] = firstPort.ToString() };
        if (servicesDir is not null) environment["SIEM_SERVICES_DIR"] = servicesDir;
        return ServicesScript.RunAsync([verb, "redis-cluster"], environment);
    }
}
