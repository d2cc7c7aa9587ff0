using SiemActors.Testing;
using Xunit;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// A ClickHouse cluster of the test class's own — 2 shards x 2 replicas and a ZooKeeper, started through
/// scripts/services.sh (start clickhouse-cluster) on free ports from deploy/clickhouse-cluster/'s configs — next to a
/// dedicated Redis. Replica n (1..4) is of shard (n+1)/2.
/// </summary>
public sealed class ClickHouseClusterFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "siem-it-chcluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _base = Ports.FreeClickHouseClusterBase();

    public DedicatedServices Services { get; } = new();

    /// <summary>Replica n's HTTP URL.</summary>
    public string Replica(int n) => $"http://127.0.0.1:{_base + n}";

    /// <summary>The sink's cluster settings (HOCON) over this cluster.</summary>
    public string SinkConfig(int insertQuorum = 0) => $$"""
        siem.sinks.clickhouse {
          cluster { name = siem, shards = ["{{Replica(1)}},{{Replica(2)}}", "{{Replica(3)}},{{Replica(4)}}"] }
          insert-quorum = {{insertQuorum}}
        }
        """;

    public async Task InitializeAsync()
    {
        await Services.StartFirstAsync();
        await Run("start");
    }

    /// <summary>SIGKILLs replica n: gone at once, its disk kept, as a crashed machine.</summary>
    public Task Crash(int replica) => Run("kill", replica.ToString());

    /// <summary>Starts replica n again; it catches up from its shard's other replica.</summary>
    public Task Restart(int replica) => Run("start", replica.ToString());

    public async Task DisposeAsync()
    {
        // SIGKILL first: ClickHouse 18.16 waits out 30 s on SIGTERM while clients keep connections, and this data is
        // the test's own. The stop after it stops ZooKeeper's leftovers and removes the directory.
        await Run("kill");
        await Run("stop");
        await Services.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Task Run(string verb, string? replica = null) =>
        ServicesScript.RunAsync(replica is null ? [verb, "clickhouse-cluster"] : [verb, "clickhouse-cluster", replica],
            new Dictionary<string, string> { ["SIEM_SERVICES_DIR"] = _dir, ["SIEM_CLICKHOUSE_CLUSTER_PORT"] = _base.ToString() });
}
