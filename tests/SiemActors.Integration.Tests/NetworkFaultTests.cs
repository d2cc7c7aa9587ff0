using SiemActors.Integration.Tests.Network;
using SiemActors.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SiemActors.Integration.Tests;

/// <summary>
/// The short form of the fault campaign (scripts/chaos.sh runs the long one): three nodes on hosts of their own
/// (<see cref="NetworkLab"/>), storage on another, events flowing at a fixed rate the whole time, and one fault after
/// another, each held for 30 s and then healed — a node cut off from the cluster, a node cut off from storage, a node
/// frozen (SIGSTOP) until its partitions and shards have moved, slow and lossy links to storage — then Redis and
/// ClickHouse restarted and the partitions' leaders moved. A node the cluster downed is restarted, as an orchestrator
/// would. After each fault the test waits until everything produced before the heal is committed; at the end it audits
/// every store (<see cref="ContractAudit"/>).
/// </summary>
public sealed class NetworkFaultTests(ITestOutputHelper output)
{
    private const int PerSecond = 600;
    private const int AttackSpan = 20_000;
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Partitions_pauses_slow_links_and_restarts_lose_nothing_and_store_nothing_twice()
    {
        Assert.Null(NetworkLab.Unavailable());
        await using var services = new DedicatedServices();
        await services.StartFirstAsync();
        await using var harness = new PipelineHarness(services.RedisEndpoint, services.ClickHouseUrl,
            ContractWorld.Config(AttackSpan) + "\nakka.cluster.split-brain-resolver.stable-after = 5s", brokers: 3);
        using var lab = new NetworkLab(hosts: 3);
        using var storage = new LabStorage(lab, harness, services.RedisEndpoint, services.ClickHouseUrl);
        var cluster = new LabCluster(harness, lab, storage, services);
        await cluster.StartAsync(Patience);

        using var stop = new CancellationTokenSource();
        var producing = harness.ProduceUntilAsync(PerSecond, ContractWorld.Records(AttackSpan), stop.Token);
        await harness.UntilCommitted(Enumerable.Repeat(100L, PipelineHarness.Partitions).ToArray(), Patience);
        var records = new List<FaultRecord>();
        foreach (var fault in new[]
                 {
                     cluster.Isolate(2, Hold), cluster.CutFromStorage(1, Hold), cluster.Freeze(0, Hold), cluster.SlowStorageLinks(Hold),
                     cluster.RestartRedis(), cluster.RestartClickHouse(), cluster.MoveLeaders(1),
                 })
        {
            var record = await FaultRecord.Run(fault, cluster, harness, Patience);
            output.WriteLine(record.ToString());
            records.Add(record);
        }

        await stop.CancelAsync();
        var produced = await producing;
        var bad = ContractWorld.Bad(produced);
        var good = produced - bad;
        await harness.UntilAllStored(good, Patience);
        var audit = await ContractAudit.WhenComplete(harness, bad, Patience);
        output.WriteLine($"{produced} records produced ({good} events, {bad} unparsable); {audit}");

        Assert.Equal((good, good), (audit.RowsFinal, audit.DistinctIds));
        Assert.Equal((good, good), (audit.RedisIds, audit.RedisEvents));
        Assert.Equal((ContractWorld.Attackers, ContractWorld.Attackers), (audit.Alerts, audit.AlertStreamEntries));
        Assert.Equal(ContractWorld.ToOutput(produced, AttackSpan), audit.OutputDistinct);
        Assert.Equal(bad, audit.DeadLetterDistinct);
        Assert.True(audit.CommittedToEnd);
        // A node exits only when the cluster downed it (3) or the campaign killed it (137), never because its pipeline failed.
        Assert.All(cluster.ExitCodes, code => Assert.Contains(code, new[] { 3, 137 }));
        // Downed nodes were restarted: the cluster is whole again.
        Assert.All(cluster.Nodes, node => Assert.False(node.HasExited));
        foreach (var node in cluster.Nodes) Assert.Equal(0, await node.Terminate(TimeSpan.FromSeconds(60)));
    }
}
