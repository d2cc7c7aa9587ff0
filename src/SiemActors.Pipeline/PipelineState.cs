using System.Collections.Concurrent;

namespace SiemActors.Pipeline;

/// <summary>
/// One assigned partition as the management API reports it: the next offset to read after the last batch handed to the
/// committer (-1: none yet), the partition's high watermark as last queried (-1: not yet known), the lag between them
/// (-1: unknown), events through it since assignment, and the last batch's size and time.
/// </summary>
public sealed record PartitionStatus(string Topic, int Partition, long CommittedOffset, long EndOffset, long Lag, long Events, int LastBatchSize,
    DateTimeOffset? LastBatchAt);

/// <summary>
/// What this node's ingest pipeline is doing, for the management API, health and the lag gauge: the partitions
/// assigned to it, per partition the offset it last committed and the end offset, and rates in and out. Written from the
/// partition substreams (one writer per partition), read from HTTP requests.
/// </summary>
public sealed class PipelineState
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), Entry> _partitions = new();
    private readonly RateMeter _in = new();
    private readonly RateMeter _out = new();

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
        UpdateLag(topic, partition, entry);
    }

    /// <summary>The partition's end offset, from the lag monitor.</summary>
    public void EndOffset(string topic, int partition, long endOffset)
    {
        if (!_partitions.TryGetValue((topic, partition), out var entry)) return;
        entry.End = endOffset;
        UpdateLag(topic, partition, entry);
    }

    public IReadOnlyList<(string Topic, int Partition)> AssignedPartitions() => _partitions.Keys.OrderBy(k => k.Topic).ThenBy(k => k.Partition).ToList();

    public IReadOnlyList<PartitionStatus> Partitions() => _partitions
        .OrderBy(p => p.Key.Topic).ThenBy(p => p.Key.Partition)
        .Select(p => new PartitionStatus(p.Key.Topic, p.Key.Partition, p.Value.Committed, p.Value.End, Lag(p.Value), p.Value.Events,
            p.Value.LastBatchSize, p.Value.LastBatchAt))
        .ToList();

    private static long Lag(Entry e) => e.End < 0 ? -1 : Math.Max(0, e.End - Math.Max(0, e.Committed));

    private static void UpdateLag(string topic, int partition, Entry entry)
    {
        var lag = Lag(entry);
        if (lag >= 0) PipelineMetrics.ConsumerLag.WithLabels(topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(lag);
    }

    private sealed class Entry
    {
        public long Committed { get; set; } = -1;

        public long End { get; set; } = -1;

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
