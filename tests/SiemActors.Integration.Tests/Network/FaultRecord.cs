using SiemActors.Integration.Tests.Support;

namespace SiemActors.Integration.Tests.Network;

/// <summary>What one fault did: how long it was held, what was stored meanwhile, how long the cluster took to catch up.</summary>
public sealed record FaultRecord(string Fault, double HeldSeconds, long StoredMeanwhile, double CaughtUpSeconds, long OffsetsStoredTwice,
    IReadOnlyList<string> Restarts)
{
    /// <summary>
    /// Injects and heals the fault, restarts the nodes that exited, and waits until everything produced before the heal
    /// is committed (the catch-up time).
    /// </summary>
    public static async Task<FaultRecord> Run(Fault fault, LabCluster cluster, PipelineHarness harness, TimeSpan patience)
    {
        var before = await ContractAudit.StoredSoFar(harness);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await fault.Inject();
        await fault.Heal();
        var held = clock.Elapsed;
        var during = (await harness.ClickHouseCounts()).Rows - before.Rows;
        var restarts = await cluster.RestartExited(patience);
        var caughtUp = await harness.UntilCommitted(harness.EndOffsets(), patience);
        var after = await ContractAudit.StoredSoFar(harness);
        return new FaultRecord(fault.Name, held.TotalSeconds, during, caughtUp.TotalSeconds, after.StoredTwice - before.StoredTwice, restarts);
    }

    public override string ToString() =>
        $"{Fault}: held {HeldSeconds:0} s, {StoredMeanwhile} events stored meanwhile ({StoredMeanwhile / Math.Max(HeldSeconds, 1):0}/s), " +
        $"caught up {CaughtUpSeconds:0.0} s after the heal; offsets stored twice {OffsetsStoredTwice}" +
        (Restarts.Count == 0 ? "" : "; " + string.Join("; ", Restarts));
}
