using SiemActors.Integration.Tests.Support;

namespace SiemActors.Integration.Tests.Network;

/// <summary>A fault of the campaign: what is done, and how it is undone.</summary>
public sealed record Fault(string Name, Func<Task> Inject, Func<Task> Heal);

/// <summary>
/// SiemActors nodes on the hosts of a <see cref="NetworkLab"/>, storage behind <see cref="LabStorage"/>, and the faults
/// that can be done to them. A node that exits (downed by the cluster, killed) is started again on its host by
/// <see cref="RestartExited"/>, as an orchestrator would.
/// </summary>
public sealed class LabCluster(PipelineHarness harness, NetworkLab lab, LabStorage storage, DedicatedServices services)
{
    private readonly List<NodeProcess> _nodes = [];

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>The exit codes of the nodes that exited and were restarted: 3 is a node the cluster downed, 137 one killed.</summary>
    public List<int> ExitCodes { get; } = [];

    /// <summary>Starts one node per lab host, the first forming the cluster, and waits until all are ready.</summary>
    public async Task StartAsync(TimeSpan within)
    {
        _nodes.Add(harness.StartNode(host: lab.Hosts[0]));
        await _nodes[0].UntilReady(within);
        for (var i = 1; i < lab.Hosts.Count; i++) _nodes.Add(harness.StartNode(seed: _nodes[0], host: lab.Hosts[i]));
        foreach (var node in _nodes) await node.UntilReady(within);
    }

    /// <summary>
    /// Each answering node's produce → stored histogram (<see cref="LatencyHistogram"/>), keyed by its process: a node
    /// restarted since an earlier reading is a new key, counted from zero. A frozen or unreachable node is left out.
    /// </summary>
    public async Task<Dictionary<NodeProcess, LatencyHistogram>> ReadLatencies()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var readings = await Task.WhenAll(_nodes.Where(n => !n.HasExited).Select(async node =>
        {
            try
            {
                var text = await http.GetStringAsync(node.HttpUrl + "/metrics");
                return (node, histogram: LatencyHistogram.Parse(text, "siem_event_latency_seconds", "since=\"event_time\""));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return (node, histogram: (LatencyHistogram?)null);
            }
        }));
        return readings.Where(r => r.histogram is not null).ToDictionary(r => r.node, r => r.histogram!); // NodeProcess: equal by reference
    }

    /// <summary>
    /// Starts again every node that has exited, joining the live ones, and waits until each is ready; returns what it
    /// did, one line per node. A node being downed takes a few seconds to exit: the others are given them first.
    /// </summary>
    public async Task<IReadOnlyList<string>> RestartExited(TimeSpan within)
    {
        var done = new List<string>();
        for (var round = 0; round < 3 && _nodes.Any(n => n.HasExited); round++)
        {
            // A node being downed is no longer ready and exits within seconds: only nodes that answer ready are seeds.
            foreach (var node in _nodes.Where(n => !n.HasExited))
            {
                try
                {
                    await node.UntilReady(TimeSpan.FromSeconds(15));
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
                {
                    // it exited meanwhile, or is leaving: not a seed
                }
            }
            var live = _nodes.Where(n => !n.HasExited).ToList();
            var started = new List<NodeProcess>();
            for (var i = 0; i < _nodes.Count; i++)
            {
                if (!_nodes[i].HasExited) continue;
                done.Add($"node {i + 1} on {lab.Hosts[i]} had exited ({_nodes[i].ExitCode}); restarted");
                ExitCodes.Add(_nodes[i].ExitCode);
                // With no live node, the first one restarted forms the cluster again and the others join it.
                _nodes[i] = live.Count == 0 && started.Count == 0
                    ? harness.StartNode(host: lab.Hosts[i])
                    : harness.StartNode(host: lab.Hosts[i], seeds: live.Count > 0 ? live : started);
                started.Add(_nodes[i]);
            }
            foreach (var node in started)
            {
                try
                {
                    await node.UntilReady(within < TimeSpan.FromMinutes(2) ? within : TimeSpan.FromMinutes(2));
                }
                catch (InvalidOperationException)
                {
                    // it exited before it was ready: the next round starts it again
                }
                catch (TimeoutException)
                {
                    node.Kill(); // stuck joining seeds that went away, as an orchestrator's readiness probe would decide
                }
            }
        }
        return done;
    }

    public Fault Isolate(int node, TimeSpan hold) => new($"node {node + 1} cut off from the cluster", async () =>
    {
        lab.Isolate(lab.Hosts[node]);
        await Task.Delay(hold);
    }, Heal);

    public Fault CutFromStorage(int node, TimeSpan hold) => new($"node {node + 1} cut off from storage", async () =>
    {
        lab.CutFromStorage(lab.Hosts[node]);
        await Task.Delay(hold);
    }, Heal);

    /// <summary>SIGSTOP for <paramref name="hold"/> (longer than the session timeout and the downing: its partitions and shards move), then SIGCONT.</summary>
    public Fault Freeze(int node, TimeSpan hold) => new($"node {node + 1} frozen (SIGSTOP)", async () =>
    {
        _nodes[node].Freeze();
        await Task.Delay(hold);
    }, () =>
    {
        _nodes[node].Resume();
        return Task.CompletedTask;
    });

    public Fault SlowStorageLinks(TimeSpan hold) => new("storage links slow and lossy (200 ms ± 50 ms, 5 % held 1 s more)", async () =>
    {
        foreach (var link in storage.Links) link.Degrade(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(50), 0.05);
        await Task.Delay(hold);
    }, () =>
    {
        foreach (var link in storage.Links) link.Degrade(TimeSpan.Zero, TimeSpan.Zero, 0);
        return Task.CompletedTask;
    });

    public Fault RestartRedis() => new("Redis restarted", () => services.Stop("redis"), () => services.Start("redis"));

    public Fault RestartClickHouse() => new("ClickHouse restarted", () => services.Stop("clickhouse"), () => services.Start("clickhouse"));

    /// <summary>Every partition's leadership to another broker, as a controller failover does.</summary>
    public Fault MoveLeaders(int round) => new("partition leaders moved", () =>
    {
        var brokers = harness.Kafka.BrokerCount;
        for (var p = 0; p < PipelineHarness.Partitions; p++) harness.Kafka.SetPartitionLeader(PipelineHarness.Events, p, (p + round) % brokers + 1);
        for (var p = 0; p < harness.DeadLetterPartitions; p++) harness.Kafka.SetPartitionLeader(PipelineHarness.DeadLetters, p, (p + round + 1) % brokers + 1);
        return Task.CompletedTask;
    }, () => Task.CompletedTask);

    public Fault Kill(int node) => new($"node {node + 1} killed (SIGKILL)", () =>
    {
        _nodes[node].Kill();
        return Task.CompletedTask;
    }, () => Task.CompletedTask);

    private Task Heal()
    {
        lab.Heal();
        return Task.CompletedTask;
    }
}
