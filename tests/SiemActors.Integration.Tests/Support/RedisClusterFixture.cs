using SiemActors.Testing;
using Xunit;

namespace SiemActors.Integration.Tests.Support;

/// <summary>
/// A Redis Cluster of the test class's own (three masters, three replicas, started through scripts/services.sh on free
/// ports) next to the dedicated services, so that crashing its masters touches no other test.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "siem-it-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public DedicatedServices Services { get; } = new();

    public RedisClusterNodes Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Services.StartFirstAsync();
        Cluster = new RedisClusterNodes(Ports.FreeClusterBase(), _dir);
        await Cluster.Start();
    }

    public async Task DisposeAsync()
    {
        await Cluster.Stop();
        await Services.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
