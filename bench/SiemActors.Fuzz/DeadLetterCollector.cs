using System.Text;
using Confluent.Kafka;

namespace SiemActors.Fuzz;

/// <summary>
/// Reads the dead-letter topic from where it ends when the campaign starts, while the campaign runs, keeping per record of origin (partition,
/// offset) how many dead letters name it, the reason and the sink. Reading as they come matters: a broker with small
/// retention (the embedded one keeps ~5 MiB a partition) deletes the oldest dead letters of a long campaign. A dead
/// letter deleted before it was read is reported, not taken for a lost record.
/// </summary>
internal sealed class DeadLetterCollector : IDisposable
{
    private readonly FuzzTarget _target;
    private readonly Dictionary<long, (int Count, string Reason, string Sink)> _letters = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private readonly long[] _next;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DeadLetterCollector(FuzzTarget target)
    {
        _target = target;
        _next = new long[target.DeadLetterPartitions];
        _reading = Task.Factory.StartNew(Read, TaskCreationOptions.LongRunning);
    }

    /// <summary>Completes once the reader has asked the brokers for the first time.</summary>
    public Task Started => _started.Task;

    /// <summary>Dead letters deleted by retention before they were read: the check cannot account for their records.</summary>
    public string? Missed { get; private set; }

    public static long Key(int partition, long offset) => ((long)partition << 40) | offset;

    /// <summary>Dead letters written and not read yet, at most over the partitions (from a watermark query: call rarely).</summary>
    public long Behind(IConsumer<Ignore, Ignore> watermarks) => Enumerable.Range(0, _target.DeadLetterPartitions)
        .Max(p => watermarks.QueryWatermarkOffsets(new TopicPartition(_target.DeadLetterTopic, p), TimeSpan.FromSeconds(10)).High.Value - Volatile.Read(ref _next[p]));

    /// <summary>Reads on until every dead letter written so far is read, then stops; returns what it read.</summary>
    public async Task<IReadOnlyDictionary<long, (int Count, string Reason, string Sink)>> FinishAsync()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _target.BootstrapServers, GroupId = "fuzz-watermarks" }).Build();
        var end = Enumerable.Range(0, _target.DeadLetterPartitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(_target.DeadLetterTopic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (Enumerable.Range(0, end.Length).Any(p => Volatile.Read(ref _next[p]) < end[p]) && DateTime.UtcNow < deadline && !_reading.IsCompleted)
            await Task.Delay(100);
        await _stop.CancelAsync();
        await _reading;
        lock (_gate) return new Dictionary<long, (int, string, string)>(_letters);
    }

    private void Read()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = _target.BootstrapServers, GroupId = "fuzz-dlq-" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Error, FetchMaxBytes = 64 * 1024 * 1024, MaxPartitionFetchBytes = 16 * 1024 * 1024,
            FetchWaitMaxMs = 10, // the embedded broker answers a fetch that finds nothing new only after the whole wait
        }).Build();
        // From the end as it is now: earlier dead letters (an earlier campaign's) are not this campaign's to account for.
        consumer.Assign(Enumerable.Range(0, _target.DeadLetterPartitions).Select(p =>
        {
            var tp = new TopicPartition(_target.DeadLetterTopic, p);
            var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
            Volatile.Write(ref _next[p], end);
            return new TopicPartitionOffset(tp, end);
        }).ToList());
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<Ignore, Ignore>? r;
            try
            {
                r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException ex) when (ex.Error.Code == ErrorCode.Local_AutoOffsetReset)
            {
                _started.TrySetResult();
                var tp = ex.ConsumerRecord!.TopicPartition;
                var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
                Missed = $"dead letters of {tp} from offset {ex.ConsumerRecord.Offset.Value} were deleted by retention before they were read (the log is now {marks.Low.Value}..{marks.High.Value}): {ex.Error.Reason}";
                return;
            }
            _started.TrySetResult();
            if (r is null) continue;
            Volatile.Write(ref _next[r.Partition.Value], r.Offset.Value + 1);
            string Header(string name) => r.Message.Headers.TryGetLastBytes(name, out var b) ? Encoding.UTF8.GetString(b) : "";
            if (!int.TryParse(Header("siem.dlq.partition"), out var partition) || !long.TryParse(Header("siem.dlq.offset"), out var offset)) continue;
            var key = Key(partition, offset);
            lock (_gate)
            {
                var (count, _, _) = _letters.GetValueOrDefault(key);
                _letters[key] = (count + 1, Header("siem.dlq.reason"), Header("siem.dlq.sink"));
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
