using System.Net;
using SiemActors.Integration.Tests.Support;

namespace SiemActors.Integration.Tests.Network;

/// <summary>
/// The storage host of a <see cref="NetworkLab"/>: the harness's broker(s), Redis and ClickHouse, each behind a
/// <see cref="TcpRelay"/> on the storage address, and the brokers advertising their relays so that every client —
/// the nodes on their hosts and the harness here — reaches them there. Sets the harness's <see cref="PipelineHarness.Lab"/>.
/// </summary>
public sealed class LabStorage : IDisposable
{
    private readonly List<TcpRelay> _relays = [];

    public LabStorage(NetworkLab lab, PipelineHarness harness, string redisEndpoint, string clickHouseUrl)
    {
        var address = IPAddress.Parse(lab.StorageAddress);
        var brokers = harness.Kafka.BrokerAddresses;
        var bootstrap = new List<string>();
        for (var id = 1; id <= brokers.Count; id++)
        {
            var relay = Relay(address, brokers[id - 1]);
            harness.Kafka.Advertise(id, lab.StorageAddress, relay.Port);
            bootstrap.Add($"{lab.StorageAddress}:{relay.Port}");
        }
        Redis = Relay(address, redisEndpoint);
        ClickHouse = Relay(address, new Uri(clickHouseUrl).Authority);
        harness.Lab = new NodeEndpoints(string.Join(",", bootstrap), $"{lab.StorageAddress}:{Redis.Port}", $"http://{lab.StorageAddress}:{ClickHouse.Port}");
    }

    public TcpRelay Redis { get; }

    public TcpRelay ClickHouse { get; }

    /// <summary>Every link into storage (brokers, Redis, ClickHouse).</summary>
    public IReadOnlyList<TcpRelay> Links => _relays;

    private TcpRelay Relay(IPAddress address, string target)
    {
        var relay = new TcpRelay(address, IPEndPoint.Parse(target));
        _relays.Add(relay);
        return relay;
    }

    public void Dispose()
    {
        foreach (var relay in _relays) relay.Dispose();
    }
}
