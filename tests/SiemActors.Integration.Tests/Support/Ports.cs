using System.Net;
using System.Net.Sockets;

namespace SiemActors.Integration.Tests.Support;

internal static class Ports
{
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
