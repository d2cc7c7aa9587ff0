using System.Collections.Concurrent;
using Akka.Event;
using Confluent.Kafka;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Supervision;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// Owns one Confluent.Kafka consumer on a dedicated thread: polls in batches, runs rebalance callbacks, and executes
/// commits and pause/resume requests queued by the stage. Never runs on a stream or actor thread.
/// </summary>
internal sealed partial class ConsumerLoop<TKey, TValue> : IOffsetCommitter
{
    private readonly ConsumerSettings<TKey, TValue> _settings;
    private readonly ISubscription _subscription;
    private readonly IConsumerLoopListener<TKey, TValue> _listener;
    private readonly Func<Exception, Akka.Streams.Supervision.Directive> _decider;
    private ILoggingAdapter _log = NoLogger.Instance;
    private readonly ConcurrentQueue<ConsumerLoopCommand> _commands = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<TopicPartition, PartitionAssignment> _assignments = new();
    private readonly string _groupId;
    private IConsumer<TKey, TValue>? _consumer;
    private bool _fetchingStopped;
    private bool _pauseAfterRebalance;
    private bool _shutdownRequested;
    private bool _closing;
    private DateTime? _stopDeadline;
    private List<ConsumeResult<TKey, TValue>>? _polling;
    private readonly FetchBudget _budget;
    private readonly PartitionHooks _hooks;
    private readonly HashSet<TopicPartition> _boundPaused = [];
    private readonly Dictionary<TopicPartition, (long Records, long Bytes)> _taking = new();

    public ConsumerLoop(ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
        IConsumerLoopListener<TKey, TValue> listener, Func<Exception, Akka.Streams.Supervision.Directive> decider, FetchBudget budget,
        PartitionHooks hooks)
    {
        _settings = settings;
        _budget = budget;
        _hooks = hooks;
        _subscription = subscription;
        _listener = listener;
        _decider = decider;
        _groupId = settings.GroupId ?? "";
    }

    /// <summary>Completes once the consumer is closed and disposed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the loop's thread; <paramref name="log"/> is the stage's logger (it exists only once the stage runs).</summary>
    public void Start(ILoggingAdapter log)
    {
        _log = log;
        var thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "kafka-consumer-" + (_settings.Properties.GetValueOrDefault("client.id") ?? _groupId),
        };
        thread.Start();
    }

    public Task Commit(IReadOnlyList<OffsetToCommit> offsets)
    {
        if (_completion.Task.IsCompleted) return Task.FromException(new KafkaConsumerClosedException(_groupId));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new ConsumerLoopCommand.Commit(offsets, done));
        return done.Task;
    }

    public void SetFetching(IReadOnlyList<TopicPartition>? partitions, bool paused) =>
        Enqueue(new ConsumerLoopCommand.Fetch(partitions, paused));

    public void StopFetching(bool stageGone) => Enqueue(new ConsumerLoopCommand.StopFetching(stageGone));

    public void RequestShutdown() => Enqueue(new ConsumerLoopCommand.Shutdown());

    private void Enqueue(ConsumerLoopCommand command)
    {
        _commands.Enqueue(command);
        _signal.Release();
    }

    private void Run()
    {
        try
        {
            _consumer = Build();
            _subscription.Apply(_consumer, AssignManually);
            while (!_shutdownRequested)
            {
                ExecuteCommands(commitsOnly: false);
                if (_shutdownRequested || StopTimedOut()) break;
                Poll();
            }
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Kafka consumer of group {0} failed", _groupId);
            _listener.OnFailure(ex);
        }
        finally
        {
            Close();
        }
    }

    private IConsumer<TKey, TValue> Build()
    {
        var builder = new ConsumerBuilder<TKey, TValue>(_settings.ToConsumerConfig())
            .SetPartitionsAssignedHandler((_, partitions) => StartingOffsets(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnPartitionsRevoked(partitions, lost: false))
            .SetPartitionsLostHandler((_, partitions) => OnPartitionsRevoked(partitions, lost: true))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => OnLog(message));
        if (_settings.KeyDeserializer is not null) builder.SetKeyDeserializer(_settings.KeyDeserializer);
        if (_settings.ValueDeserializer is not null) builder.SetValueDeserializer(_settings.ValueDeserializer);
        return builder.Build();
    }

    /// <summary>Polls done so far (for tests: "the loop went on polling meanwhile").</summary>
    public long Polls => Interlocked.Read(ref _polls);

    private long _polls;

    private void Poll()
    {
        Interlocked.Increment(ref _polls);
        var consumer = _consumer!;
        ResumeWithinBudget(consumer);
        var batch = new List<ConsumeResult<TKey, TValue>>(Math.Min(_settings.MaxBatchPerPoll, 1024));
        _polling = batch; // a rebalance inside Consume drops the records of the partitions it takes away
        _taking.Clear();
        (long Records, long Bytes) takingAll = default;
        ConsumeException? error = null;
        try
        {
            var first = consumer.Consume(_settings.PollTimeout);
            var more = first is null || first.IsPartitionEOF || Take(consumer, first, batch, ref takingAll);
            while (more && first is not null && batch.Count < _settings.MaxBatchPerPoll)
            {
                var next = consumer.Consume(TimeSpan.Zero);
                if (next is null) break;
                if (!next.IsPartitionEOF) more = Take(consumer, next, batch, ref takingAll);
            }
        }
        catch (ConsumeException ex)
        {
            error = ex; // delivered after the records before it, so partition order holds
        }
        finally
        {
            _polling = null;
        }

        if (_pauseAfterRebalance && _fetchingStopped)
        {
            consumer.Pause(consumer.Assignment);
            _pauseAfterRebalance = false;
        }
        if (batch.Count > 0 && !_fetchingStopped)
        {
            HoldForStage(consumer, batch);
            _listener.OnMessages(batch);
        }
        if (error is not null) OnConsumeError(error);
    }

    /// <summary>
    /// Takes <paramref name="record"/> into the batch if the budget has room for it; otherwise seeks its partition
    /// back to it and pauses the partition (all of them, for a budget across partitions), so it is read again once
    /// downstream took half. Returns whether to go on polling for this batch.
    /// </summary>
    private bool Take(IConsumer<TKey, TValue> consumer, ConsumeResult<TKey, TValue> record, List<ConsumeResult<TKey, TValue>> batch,
        ref (long Records, long Bytes) takingAll)
    {
        var tp = record.TopicPartition;
        if (!_assignments.TryGetValue(tp, out var assignment))
        {
            batch.Add(record); // not ours (any more): the stage drops it
            return true;
        }
        var size = FetchBudget.SizeOf(record);
        if (!_budget.PerPartition)
        {
            if (_budget.Admits(assignment, takingAll.Records, takingAll.Bytes, size))
            {
                batch.Add(record);
                takingAll = (takingAll.Records + 1, takingAll.Bytes + size);
                return true;
            }
        }
        else
        {
            var taking = _taking.GetValueOrDefault(tp);
            if (_budget.Admits(assignment, taking.Records, taking.Bytes, size))
            {
                batch.Add(record);
                _taking[tp] = (taking.Records + 1, taking.Bytes + size);
                return true;
            }
        }
        consumer.Seek(new TopicPartitionOffset(tp, record.Offset));
        PauseAtBound(consumer, _budget.PerPartition ? [tp] : consumer.Assignment);
        return _budget.PerPartition;
    }

    /// <summary>Counts the batch as held by the stage, and pauses what is at its bound already (no fetch to throw away).</summary>
    private void HoldForStage(IConsumer<TKey, TValue> consumer, List<ConsumeResult<TKey, TValue>> batch)
    {
        if (!_budget.PerPartition)
        {
            long bytes = 0;
            foreach (var record in batch) bytes += FetchBudget.SizeOf(record);
            _budget.Hold(null, batch.Count, bytes);
            if (_budget.Records >= _budget.MaxRecords || _budget.Bytes >= _budget.MaxBytes) PauseAtBound(consumer, consumer.Assignment);
            return;
        }
        _taking.Clear();
        foreach (var record in batch)
        {
            var taking = _taking.GetValueOrDefault(record.TopicPartition);
            _taking[record.TopicPartition] = (taking.Records + 1, taking.Bytes + FetchBudget.SizeOf(record));
        }
        List<TopicPartition>? full = null;
        foreach (var (tp, (records, bytes)) in _taking)
        {
            if (!_assignments.TryGetValue(tp, out var assignment)) continue;
            _budget.Hold(assignment, records, bytes);
            if (!_budget.Admits(assignment, 0, 0, FetchBudget.RecordOverhead)) (full ??= []).Add(tp);
        }
        if (full is not null) PauseAtBound(consumer, full);
    }

    private void PauseAtBound(IConsumer<TKey, TValue> consumer, IEnumerable<TopicPartition> partitions)
    {
        var pause = partitions.Where(tp => _assignments.ContainsKey(tp) && _boundPaused.Add(tp)).ToList();
        if (pause.Count > 0) consumer.Pause(pause);
    }

    /// <summary>Partitions paused at their bound fetch again once downstream took half (unless the stage paused them itself).</summary>
    private void ResumeWithinBudget(IConsumer<TKey, TValue> consumer)
    {
        if (_boundPaused.Count == 0) return;
        List<TopicPartition>? resume = null;
        foreach (var tp in _boundPaused.ToList())
        {
            if (!_assignments.TryGetValue(tp, out var assignment))
            {
                _boundPaused.Remove(tp);
                continue;
            }
            if (!_budget.HasRoom(assignment)) continue;
            _boundPaused.Remove(tp);
            if (!_fetchingStopped && !_paused.Contains(tp)) (resume ??= []).Add(tp);
        }
        if (resume is not null) consumer.Resume(resume);
    }

    private void OnConsumeError(ConsumeException error)
    {
        if (IsOffsetReset(error))
        {
            OnOffsetReset(error);
            return;
        }
        var directive = _decider(error);
        var where = error.ConsumerRecord is { } r ? $"{r.Topic}[{r.Partition.Value}]@{r.Offset.Value}" : "(no record)";
        if (directive == Akka.Streams.Supervision.Directive.Stop)
            throw new KafkaConsumeFailedException(where, error);
        _log.Warning("Skipping record at {0}: {1} ({2}); its offset is committed with the next processed record",
            where, error.Error.Reason, error.Error.Code);
    }

    private void OnError(Confluent.Kafka.Error error)
    {
        if (error.IsFatal)
        {
            // librdkafka cannot go on with this consumer; the loop stops and the stage fails.
            _log.Error("Fatal Kafka consumer error in group {0}: {1} ({2})", _groupId, error.Reason, error.Code);
            Enqueue(new ConsumerLoopCommand.Shutdown());
            _listener.OnFailure(new KafkaException(error));
            return;
        }
        // Transport and broker errors: librdkafka retries them by itself.
        _log.Warning("Kafka consumer error in group {0}: {1} ({2})", _groupId, error.Reason, error.Code);
    }

    private void OnLog(Confluent.Kafka.LogMessage message)
    {
        if (message.Level <= SyslogLevel.Error) _log.Error("librdkafka {0}: {1}", message.Facility, message.Message);
        else if (message.Level == SyslogLevel.Warning) _log.Warning("librdkafka {0}: {1}", message.Facility, message.Message);
        else _log.Debug("librdkafka {0}: {1}", message.Facility, message.Message);
    }

    private bool StopTimedOut()
    {
        if (_stopDeadline is not { } deadline || DateTime.UtcNow < deadline) return false;
        _log.Info("Closing Kafka consumer of group {0}: stopped {1} ago and not shut down", _groupId, _settings.StopTimeout);
        return true;
    }

    private void Close()
    {
        _closing = true;
        try
        {
            if (_consumer is not null)
            {
                _retryNotBefore = default;
                ExecuteCommands(commitsOnly: true); // commits already queued still go out before leaving the group
                _consumer.Close();
                _consumer.Dispose();
            }
        }
        catch (Exception ex)
        {
            _log.Warning("Closing Kafka consumer of group {0}: {1}", _groupId, ex.Message);
        }
        finally
        {
            var closed = new KafkaConsumerClosedException(_groupId);
            foreach (var pending in _pendingCommits) pending.Done.TrySetException(closed);
            _pendingCommits.Clear();
            while (_commands.TryDequeue(out var left))
            {
                if (left is ConsumerLoopCommand.Commit c) c.Done.TrySetException(closed);
            }
            _completion.TrySetResult();
        }
    }
}
