namespace SiemActors.Transforms;

/// <summary>
/// What a host entity knows: when the host was first seen, how many of its events it has counted, its recent rate,
/// and per partition the highest offset applied, so that a replayed batch is not counted twice. Pure: tests drive it
/// without Akka.
/// </summary>
public sealed class HostState
{
    private readonly Dictionary<int, long> _applied = new();
    private readonly RateWindow _rate = new();

    /// <summary>Event time of the first event counted, Unix ms; -1 before any.</summary>
    public long FirstSeen { get; private set; } = -1;

    /// <summary>Events counted.</summary>
    public long Sequence { get; private set; }

    public long AppliedOffset(int partition) => _applied.GetValueOrDefault(partition, -1);

    public HostEnriched Apply(EnrichHost facts)
    {
        var sequences = new long[facts.Count];
        var rates = new int[facts.Count];
        var applied = AppliedOffset(facts.Partition);
        for (var i = 0; i < facts.Count; i++)
        {
            var timestamp = facts.Timestamps[i];
            if (facts.Offsets[i] > applied)
            {
                if (FirstSeen < 0) FirstSeen = timestamp;
                sequences[i] = ++Sequence;
                _rate.Add(timestamp);
                applied = facts.Offsets[i];
            }
            rates[i] = _rate.CountUpTo(timestamp);
        }
        _applied[facts.Partition] = applied;
        return new HostEnriched(facts.Host, FirstSeen, sequences, rates);
    }
}
