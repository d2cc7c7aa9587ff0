using BenchmarkDotNet.Attributes;
using SiemActors.Domain.Events;
using SiemActors.Domain.Normalization;
using SiemActors.Domain.Serialization;
using SiemActors.Sinks.ClickHouse;

namespace SiemActors.Bench.Scenarios;

/// <summary>
/// What the sinks write per event, one core: the event JSON (Redis, the Kafka output, the live tail) and the
/// ClickHouse RowBinary row, each over the same 5,000 events of the benchmark's format mix (about 10 MiB of events:
/// more than a core's caches, as in the pipeline, where a batch is written seconds after it was parsed).
/// Results are per batch of 5,000; divide by 5,000 for one event.
/// </summary>
[MemoryDiagnoser]
public class EncodingBenchmarks
{
    private const int Events = 5_000;
    private EnrichedEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        var normalizer = new EventNormalizer(new NormalizerLimits(1 << 20, 256, 16));
        _events = Enumerable.Range(0, Events)
            .Select(n => normalizer.Normalize(MixedFormats.Event(n), new KafkaOrigin("siem-events", n % 32, n), 1_800_000_000_000, 1_800_000_000_001).Event!)
            .Select((e, n) => new EnrichedEvent(e, new HostEnrichment(1_790_000_000_000, n, n % 100)))
            .ToArray();
    }

    [Benchmark]
    public int EventJson5000()
    {
        using var output = new PooledBufferWriter(Events * 1024);
        foreach (var e in _events) EventJson.WriteTo(output, e);
        return output.WrittenCount;
    }

    [Benchmark]
    public int RowBinary5000()
    {
        using var output = new PooledBufferWriter(Events * 1024);
        EventRows.Write(_events, output);
        return output.WrittenCount;
    }
}
