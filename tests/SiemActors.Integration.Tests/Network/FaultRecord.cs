using SiemActors.Integration.Tests.Support;

namespace SiemActors.Integration.Tests.Network;

/// <summary>
/// What one fault did: how long it was held, what was stored meanwhile, how long the cluster took to catch up, and the
/// p99 of produce → stored over the events stored from the fault's start to the end of the catch-up (the upper bound of
/// the nodes' histogram bucket that holds it, summed over the nodes that answered at the end; events stored by a process
/// that died in between are not in it).
/// </summary>
public sealed record FaultRecord(string Fault, double HeldSeconds, long StoredMeanwhile, double CaughtUpSeconds, long OffsetsStoredTwice,
    IReadOnlyList<string> Restarts, double P99Seconds = double.NaN, long LatencyEvents = 0)
{
    /// <summary>
    /// Injects and heals the fault, restarts the nodes that exited, and waits until everything produced before the heal
    /// is committed (the catch-up time).
    /// </summary>
    public static async Task<FaultRecord> Run(Fault fault, LabCluster cluster, PipelineHarness harness, TimeSpan patience)
    {
        var twiceBefore = await ContractAudit.LedgerOverlaps(harness);
        var rowsBefore = await harness.ClickHouseRawRows(patience);
        var latencyBefore = await cluster.ReadLatencies();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await fault.Inject();
        await fault.Heal();
        var held = clock.Elapsed;
        var during = await harness.ClickHouseRawRows(patience) - rowsBefore;
        var restarts = await cluster.RestartExited(patience);
        var caughtUp = await harness.UntilCommitted(harness.EndOffsets(), patience);
        var twiceAfter = await ContractAudit.LedgerOverlaps(harness);
        var latency = (await cluster.ReadLatencies()).Aggregate(LatencyHistogram.Empty,
            (sum, node) => sum.Plus(node.Value.Minus(latencyBefore.GetValueOrDefault(node.Key, LatencyHistogram.Empty))));
        return new FaultRecord(fault.Name, held.TotalSeconds, during, caughtUp.TotalSeconds, twiceAfter - twiceBefore, restarts,
            latency.Quantile(0.99), latency.Count);
    }

    public override string ToString() =>
        $"{Fault}: held {HeldSeconds:0} s, {StoredMeanwhile} events stored meanwhile ({StoredMeanwhile / Math.Max(HeldSeconds, 1):0}/s), " +
        $"caught up {CaughtUpSeconds:0.0} s after the heal; p99 produce → stored ≤ {P99Seconds:0.###} s ({LatencyEvents} events); " +
        $"offsets stored twice {OffsetsStoredTwice}" +
        (Restarts.Count == 0 ? "" : "; " + string.Join("; ", Restarts));
}
