using Confluent.Kafka;

namespace SiemActors.Fuzz;

/// <summary>
/// The node's committed offsets (its consumer group's, read without joining it), polled at most twice a second, and
/// whether a partition with records waiting has stood still for longer than the stall bound, or the node stopped.
/// </summary>
internal sealed class CommitWatch(FuzzTarget target, TimeSpan stallBound) : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
    {
        BootstrapServers = target.BootstrapServers, GroupId = target.GroupId, EnableAutoCommit = false,
    }).Build();
    private readonly long[] _committed = new long[target.Partitions];
    private readonly DateTime[] _progressAt = Enumerable.Repeat(DateTime.UtcNow, target.Partitions).ToArray();
    private DateTime _polledAt = DateTime.MinValue;
    private long _total;

    public long CommittedTotal => Interlocked.Read(ref _total);

    /// <summary>The longest time a partition with records waiting went without a commit, in seconds.</summary>
    public double LongestStall { get; private set; }

    public long Committed(int partition) => Volatile.Read(ref _committed[partition]);

    public bool CaughtUp(IReadOnlyDictionary<int, long> end) => end.All(e => Committed(e.Key) >= e.Value);

    public async Task CheckAsync(IReadOnlyDictionary<int, long> end, List<string> failures, CancellationToken cancellation)
    {
        if (!target.NodeAlive())
        {
            failures.Add("the node stopped");
            return;
        }
        if (DateTime.UtcNow - _polledAt < TimeSpan.FromMilliseconds(500)) return;
        _polledAt = DateTime.UtcNow;
        var partitions = Enumerable.Range(0, target.Partitions).Select(p => new TopicPartition(target.Topic, p)).ToList();
        List<TopicPartitionOffset> committed;
        try
        {
            committed = await Task.Run(() => _consumer.Committed(partitions, TimeSpan.FromSeconds(10)), cancellation);
        }
        catch (KafkaException)
        {
            return; // the broker is busy: asked again next time
        }
        var now = DateTime.UtcNow;
        long total = 0;
        foreach (var c in committed)
        {
            var p = c.Partition.Value;
            var offset = Math.Max(0, c.Offset.Value);
            total += offset;
            if (offset > _committed[p])
            {
                Volatile.Write(ref _committed[p], offset);
                _progressAt[p] = now;
                continue;
            }
            if (end.GetValueOrDefault(p) <= offset) continue;
            var still = (now - _progressAt[p]).TotalSeconds;
            LongestStall = Math.Max(LongestStall, still);
            if (still > stallBound.TotalSeconds)
                failures.Add($"partition {p} stalled: committed {offset}, {end[p] - offset} record(s) waiting, no progress for {still:N0} s");
        }
        Interlocked.Exchange(ref _total, total);
    }

    public void Dispose() => _consumer.Dispose();
}
