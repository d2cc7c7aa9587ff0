using System.Diagnostics;

namespace SiemActors.Integration.Tests.Network;

/// <summary>One host of the lab: a network namespace with its own address.</summary>
public sealed record LabHost(string Namespace, string Address)
{
    public override string ToString() => $"{Namespace} ({Address})";
}

/// <summary>
/// Hosts on one machine, as production has them: each node in a network namespace of its own with its own address,
/// joined by veth pairs to a bridge in this (the test's) namespace, which is the storage host: Redis, ClickHouse and
/// the broker are reached at <see cref="StorageAddress"/> (through <see cref="TcpRelay"/>s). Addresses come from
/// 10.231.0.0/16, used only inside these namespaces. Faults are routes: a blackhole route to a peer drops everything
/// sent to it, silently, as a cut cable or a partitioned switch does. Needs root and iproute2; everything made is
/// removed on dispose (and, from an earlier run that died, on the next start with the same subnet).
/// </summary>
public sealed class NetworkLab : IDisposable
{
    private readonly int _subnet;
    private readonly List<(LabHost Host, string Target)> _cuts = [];

    public NetworkLab(int hosts)
    {
        _subnet = Random.Shared.Next(1, 250);
        Bridge = $"sbr{_subnet}";
        StorageAddress = $"10.231.{_subnet}.1";
        Hosts = Enumerable.Range(1, hosts).Select(i => new LabHost($"siem{_subnet}h{i}", $"10.231.{_subnet}.{10 + i}")).ToList();
        RemoveLeftovers();
        Ip($"link add {Bridge} type bridge");
        Ip($"addr add {StorageAddress}/24 dev {Bridge}");
        Ip($"link set {Bridge} up");
        for (var i = 0; i < Hosts.Count; i++)
        {
            var host = Hosts[i];
            var outside = $"v{_subnet}h{i + 1}";
            Ip($"netns add {host.Namespace}");
            Ip($"link add {outside} type veth peer name eth0 netns {host.Namespace}");
            Ip($"link set {outside} master {Bridge} up");
            InNamespace(host, $"addr add {host.Address}/24 dev eth0");
            InNamespace(host, "link set eth0 up");
            InNamespace(host, "link set lo up");
        }
    }

    public string Bridge { get; }

    /// <summary>The storage host's address: this namespace's end of the bridge.</summary>
    public string StorageAddress { get; }

    public IReadOnlyList<LabHost> Hosts { get; }

    /// <summary>Whether this machine can build the lab (root, iproute2, network namespaces); why not otherwise.</summary>
    public static string? Unavailable()
    {
        if (Environment.UserName != "root") return "the network lab needs root (ip netns)";
        var probe = $"siemprobe{Environment.ProcessId}";
        try
        {
            Ip($"netns add {probe}");
            try
            {
                InNamespace(new LabHost(probe, ""), "link set lo up");
            }
            finally
            {
                Ip($"netns del {probe}");
            }
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"network namespaces are not available: {ex.Message}";
        }
    }

    /// <summary>Cuts <paramref name="host"/> off from the other hosts, both ways; storage stays reachable.</summary>
    public void Isolate(LabHost host)
    {
        foreach (var other in Hosts.Where(h => h != host))
        {
            Blackhole(host, other.Address);
            Blackhole(other, host.Address);
        }
    }

    /// <summary>Cuts <paramref name="host"/> off from the storage host (Redis, ClickHouse, the broker); the other hosts stay reachable.</summary>
    public void CutFromStorage(LabHost host) => Blackhole(host, StorageAddress);

    /// <summary>Removes every cut.</summary>
    public void Heal()
    {
        foreach (var (host, target) in _cuts) InNamespace(host, $"route del blackhole {target}/32");
        _cuts.Clear();
    }

    private void Blackhole(LabHost host, string target)
    {
        InNamespace(host, $"route add blackhole {target}/32");
        _cuts.Add((host, target));
    }

    private void RemoveLeftovers()
    {
        foreach (var host in Hosts) TryIp($"netns del {host.Namespace}");
        TryIp($"link del {Bridge}");
    }

    public void Dispose()
    {
        foreach (var host in Hosts) TryIp($"netns del {host.Namespace}");
        TryIp($"link del {Bridge}");
    }

    private static void TryIp(string arguments)
    {
        try
        {
            Ip(arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// The command to run a program inside a host's network namespace: <c>nsenter --net</c>, which switches only the
    /// network namespace and execs the program (same PID). <c>ip netns exec</c> and <c>ip -n</c> also remount /sys,
    /// which fails where / is not a mount point (a chroot, as on the CI machine).
    /// </summary>
    public static IReadOnlyList<string> Enter(string netns) => ["nsenter", $"--net=/run/netns/{netns}"];

    private static void InNamespace(LabHost host, string arguments) => Run([.. Enter(host.Namespace), "ip", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

    private static void Ip(string arguments) => Run(["ip", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

    private static void Run(IReadOnlyList<string> command)
    {
        var arguments = string.Join(' ', command.Skip(1));
        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command[0]} {arguments}: {errors.Trim()}");
    }
}
