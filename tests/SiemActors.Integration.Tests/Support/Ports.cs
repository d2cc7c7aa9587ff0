using System.Net;
using System.Net.Sockets;

namespace SiemActors.Integration.Tests.Support;

internal static class Ports
{
    /// <summary>
    /// A first port for a Redis Cluster of six nodes: it and the five after it free, and their cluster bus ports
    /// (+10000) too. Searched in 20000-29999, below the ephemeral range that <see cref="Free"/> draws from.
    /// </summary>
    public static int FreeClusterBase()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(2000, 2999) * 10;
            if (Enumerable.Range(first, 6).All(p => IsFree(p) && IsFree(p + 10000))) return first;
        }
        throw new InvalidOperationException("no six free ports (and bus ports) in 20000-29999");
    }

    /// <summary>
    /// A base port for scripts/services.sh's ClickHouse cluster (SIEM_CLICKHOUSE_CLUSTER_PORT): base+1..4 (HTTP),
    /// +11..14 (native), +21..24 (interserver) and +30 (ZooKeeper) free. Searched in 30000-39999.
    /// </summary>
    public static int FreeClickHouseClusterBase()
    {
        int[] offsets = [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24, 30];
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(300, 399) * 100;
            if (offsets.All(o => IsFree(first + o))) return first;
        }
        throw new InvalidOperationException("no free ports for a ClickHouse cluster in 30000-39999");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SiemActors.sln"))) return dir.FullName;
        throw new InvalidOperationException("SiemActors.sln not found above " + AppContext.BaseDirectory);
    }
}
