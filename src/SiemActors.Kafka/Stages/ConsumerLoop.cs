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

    private void Poll()
    {
        var consumer = _consumer!;
        ResumeWithinBudget(consumer);
        var batch = new List<ConsumeResult<TKey, TValue>>(Math.Min(_settings.MaxBatchPerPoll, 1024));
        _polling = batch; // a rebalance inside Consume drops the records of the partitions it takes away
        StartTaking();
        ConsumeException? error = null;
        try
        {
            var first = consumer.Consume(_settings.PollTimeout);
            var more = first is null || first.IsPartitionEOF || Take(consumer, first, batch);
            while (more && first is not null && batch.Count < _settings.MaxBatchPerPoll)
            {
                var next = consumer.Consume(TimeSpan.Zero);
                if (next is null) break;
                if (!next.IsPartitionEOF) more = Take(consumer, next, batch);
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
