using Akka;
using Akka.Streams;
using Akka.Streams.Stage;
using Akka.Streams.Supervision;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Settings;
using SiemActors.Kafka.Supervision;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// What the consumer sources share: a <see cref="ConsumerLoop{TKey,TValue}"/> whose reports arrive as async callbacks,
/// and the <see cref="IControl"/> the source materializes.
/// </summary>
internal abstract class ConsumerStageLogic<TKey, TValue> : GraphStageLogic, IConsumerLoopListener<TKey, TValue>, IControl
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;
    private Action<IReadOnlyList<PartitionAssignment>>? _onAssigned;
    private Action<IReadOnlyList<PartitionAssignment>>? _onRevoked;
    private Action<List<ConsumeResult<TKey, TValue>>>? _onMessages;
    private Action<Exception>? _onFailure;
    private Action<NotUsed>? _onStop;
    private bool _stopHandled;

    protected ConsumerStageLogic(Shape shape, ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
        Attributes attributes, FetchBudget budget, PartitionHooks? hooks = null) : base(shape)
    {
        Settings = settings;
        Budget = budget;
        var strategy = attributes.GetAttribute<ActorAttributes.SupervisionStrategy>(null);
        Decider decider = strategy is not null ? strategy.Decider : KafkaConsumerDecider.Default.Decide;
        Loop = new ConsumerLoop<TKey, TValue>(settings, subscription, this, e => decider(e), budget, hooks ?? PartitionHooks.None);
    }

    protected ConsumerSettings<TKey, TValue> Settings { get; }

    protected ConsumerLoop<TKey, TValue> Loop { get; }

    /// <summary>What this source may hold that downstream has not taken; records leave the loop's thread only within it.</summary>
    internal FetchBudget Budget { get; }

    /// <summary>Polls the loop has done.</summary>
    internal long LoopPolls => Loop.Polls;

    public override void PreStart()
    {
        _onAssigned = GetAsyncCallback<IReadOnlyList<PartitionAssignment>>(HandleAssigned);
        _onRevoked = GetAsyncCallback<IReadOnlyList<PartitionAssignment>>(HandleRevoked);
        _onMessages = GetAsyncCallback<List<ConsumeResult<TKey, TValue>>>(HandleMessages);
        _onFailure = GetAsyncCallback<Exception>(HandleFailure);
        _onStop = GetAsyncCallback<NotUsed>(_ => HandleStopOnce());
        if (_stopRequested) HandleStopOnce();
        Loop.Start(Log);
    }

    public override void PostStop()
    {
        _stopped.TrySetResult();
        // Stopped through the control, or cancelled by a downstream that needs no more (Take, a completed sink): the
        // consumer stays open for the commits of what was emitted, until Shutdown or stop-timeout. Failed, or cancelled
        // by a failure: it leaves the group at once, so the partitions move without waiting.
        if (_stopRequested || CancelledNormally) Loop.StopFetching(stageGone: true);
        else Loop.RequestShutdown();
    }

    /// <summary>Set when downstream cancelled without a failure.</summary>
    protected bool CancelledNormally { get; set; }

    /// <summary>Whether a downstream cancellation carries no failure (Take, a completed sink).</summary>
    protected static bool IsNormal(Exception cause) => cause is Akka.Streams.SubscriptionWithCancelException.NonFailureCancellation;

    /// <summary>A failure from the loop; record-level ones (<see cref="KafkaConsumeFailedException"/>) may wait for what precedes them.</summary>
    protected virtual void HandleFailure(Exception cause) => FailStage(cause);

    /// <summary>New partitions, in the order the group gave them.</summary>
    protected abstract void HandleAssigned(IReadOnlyList<PartitionAssignment> assigned);

    /// <summary>Partitions taken away: drop their buffered messages and complete what emits them.</summary>
    protected abstract void HandleRevoked(IReadOnlyList<PartitionAssignment> revoked);

    protected abstract void HandleMessages(List<ConsumeResult<TKey, TValue>> batch);

    /// <summary>Complete every outlet; the consumer stays open for commits.</summary>
    protected abstract void HandleStop();

    private void HandleStopOnce()
    {
        if (_stopHandled) return;
        _stopHandled = true;
        HandleStop();
    }

    void IConsumerLoopListener<TKey, TValue>.OnAssigned(IReadOnlyList<PartitionAssignment> assigned) => _onAssigned!(assigned);

    void IConsumerLoopListener<TKey, TValue>.OnRevoked(IReadOnlyList<PartitionAssignment> revoked) => _onRevoked!(revoked);

    void IConsumerLoopListener<TKey, TValue>.OnMessages(List<ConsumeResult<TKey, TValue>> batch) => _onMessages!(batch);

    void IConsumerLoopListener<TKey, TValue>.OnFailure(Exception cause) => _onFailure!(cause);

    public Task Stop()
    {
        if (!_stopRequested)
        {
            _stopRequested = true;
            Loop.StopFetching(stageGone: false);
            _onStop?.Invoke(NotUsed.Instance); // before PreStart, PreStart sees the flag instead
        }
        return _stopped.Task;
    }

    public async Task Shutdown()
    {
        await Stop().ConfigureAwait(false);
        Loop.RequestShutdown();
        var closed = Loop.Completion;
        if (await Task.WhenAny(closed, Task.Delay(Settings.CloseTimeout)).ConfigureAwait(false) != closed)
            throw new TimeoutException($"the Kafka consumer did not close within {Settings.CloseTimeout}");
    }

    public Task IsShutdown => Loop.Completion;

    public async Task<TResult> DrainAndShutdown<TResult>(Task<TResult> streamCompletion)
    {
        await Stop().ConfigureAwait(false);
        try
        {
            return await streamCompletion.ConfigureAwait(false);
        }
        finally
        {
            await Shutdown().ConfigureAwait(false);
        }
    }
}
