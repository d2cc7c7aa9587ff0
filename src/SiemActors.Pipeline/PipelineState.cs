using System.Collections.Concurrent;

namespace SiemActors.Pipeline;

/// <summary>
/// One assigned partition as the management API reports it: the group's committed offset, the partition's end offset
/// and the lag between them as last measured (null: unknown), the next offset after the last batch this node handed
/// to the committer (null: none yet), events through it since assignment, and the last batch's size and time.
/// </summary>
public sealed record PartitionStatus(string Topic, int Partition, long? CommittedOffset, long? EndOffset, long? Lag, long? HandedToCommitter,
    long Events, int LastBatchSize, DateTimeOffset? LastBatchAt);

/// <summary>
/// What this node's ingest pipeline is doing, for the management API, health and the lag gauge: the partitions
/// assigned to it, per partition what it handed to the committer, the group's lag as last measured, and rates in and out. Written from the
/// partition substreams (one writer per partition), read from HTTP requests.
/// </summary>
public sealed class PipelineState
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), Entry> _partitions = new();
    private readonly RateMeter _in = new();
    private readonly RateMeter _out = new();
    private GroupLagSnapshot? _lag;

    /// <summary>True once the pipeline runs (sinks connected, consumer started).</summary>
    public bool Running { get; set; }

    public int AssignedCount => _partitions.Count;

    public double EventsInPerSecond => _in.PerSecond();

    public double EventsOutPerSecond => _out.PerSecond();

    public void Assigned(string topic, int partition)
    {
        _partitions[(topic, partition)] = new Entry();
        PipelineMetrics.AssignedPartitions.Set(_partitions.Count);
    }

    public bool IsAssigned(int partition) => _partitions.Keys.Any(k => k.Partition == partition);

    /// <summary>The group's lag as last measured (<see cref="LagMonitor"/>); null until the first measurement.</summary>
    public GroupLagSnapshot? LastGroupLag => Volatile.Read(ref _lag);

    /// <summary>A new measurement of the group's lag: kept, and the lag gauge set for this node's partitions.</summary>
    public void GroupLag(GroupLagSnapshot snapshot)
    {
        Volatile.Write(ref _lag, snapshot);
        foreach (var p in snapshot.Partitions)
        {
            var label = p.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (p.AssignedHere && p.Lag is { } lag) PipelineMetrics.ConsumerLag.WithLabels(p.Topic, label).Set(lag);
            else PipelineMetrics.ConsumerLag.RemoveLabelled(p.Topic, label);
        }
    }

    public void Revoked(string topic, int partition)
    {
        _partitions.TryRemove((topic, partition), out _);
        PipelineMetrics.AssignedPartitions.Set(_partitions.Count);
        PipelineMetrics.ConsumerLag.RemoveLabelled(topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Consumed(int records) => _in.Add(records);

    /// <summary>A batch's offsets went to the committer; <paramref name="lastOffset"/> is its last record's.</summary>
    public void Committed(string topic, int partition, long lastOffset, int records)
    {
        _out.Add(records);
        if (!_partitions.TryGetValue((topic, partition), out var entry)) return;
        entry.Committed = lastOffset + 1;
        entry.Events += records;
        entry.LastBatchSize = records;
        entry.LastBatchAt = DateTimeOffset.UtcNow;
    }

    public IReadOnlyList<(string Topic, int Partition)> AssignedPartitions() => _partitions.Keys.OrderBy(k => k.Topic).ThenBy(k => k.Partition).ToList();

    /// <summary>This node's partitions, with the group's offsets from <paramref name="lag"/> (or the last measurement).</summary>
    public IReadOnlyList<PartitionStatus> Partitions(GroupLagSnapshot? lag = null)
    {
        var group = (lag ?? LastGroupLag)?.Partitions.ToDictionary(p => (p.Topic, p.Partition));
        return _partitions
            .OrderBy(p => p.Key.Topic).ThenBy(p => p.Key.Partition)
            .Select(p =>
            {
                var g = group?.GetValueOrDefault(p.Key);
                return new PartitionStatus(p.Key.Topic, p.Key.Partition, g?.CommittedOffset, g?.EndOffset, g?.Lag,
                    p.Value.Committed < 0 ? null : p.Value.Committed, p.Value.Events, p.Value.LastBatchSize, p.Value.LastBatchAt);
            })
            .ToList();
    }

    private sealed class Entry
    {
        public long Committed { get; set; } = -1;

        public long Events { get; set; }

        public int LastBatchSize { get; set; }

        public DateTimeOffset? LastBatchAt { get; set; }
    }

    /// <summary>Events per second over the last ten whole seconds.</summary>
    private sealed class RateMeter
    {
        private readonly long[] _buckets = new long[11];
        private readonly long[] _seconds = new long[11];

        public void Add(long n)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var i = (int)(now % _buckets.Length);
            lock (_buckets)
            {
                if (_seconds[i] != now)
                {
                    _seconds[i] = now;
                    _buckets[i] = 0;
                }
                _buckets[i] += n;
            }
        }

        public double PerSecond()
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            long sum = 0;
            lock (_buckets)
            {
                for (var i = 0; i < _buckets.Length; i++)
                {
                    if (_seconds[i] < now && _seconds[i] >= now - 10) sum += _buckets[i];
                }
            }
            return sum / 10.0;
        }
    }
}
