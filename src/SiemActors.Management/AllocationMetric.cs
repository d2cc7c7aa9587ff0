using Prometheus;

namespace SiemActors.Management;

/// <summary>
/// <c>siem_gc_allocated_bytes</c>: bytes the process has allocated since it started (<see cref="GC.GetTotalAllocatedBytes"/>),
/// read at each scrape. Its rate over the events' rate is the allocations per event (the benchmark uses it).
/// </summary>
internal static class AllocationMetric
{
    private static readonly Gauge Allocated = Metrics.CreateGauge("siem_gc_allocated_bytes",
        "Bytes allocated by the process since it started (GC.GetTotalAllocatedBytes), read at each scrape.");

    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() => Allocated.Set(GC.GetTotalAllocatedBytes(precise: false)));
    }
}
