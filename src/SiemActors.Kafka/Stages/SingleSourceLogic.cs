using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using SiemActors.Kafka.Settings;

namespace SiemActors.Kafka.Stages;

/// <summary>
/// One outlet for all assigned partitions, in consume order. The records waiting for demand are bounded by
/// <c>buffer-size</c> and <c>buffer-bytes</c> across partitions (<see cref="FetchBudget"/>, enforced by the loop).
/// </summary>
internal sealed class SingleSourceLogic<TKey, TValue, TMessage> : ConsumerStageLogic<TKey, TValue>, IOutHandler
{
    private readonly Outlet<TMessage> _out;
    private readonly Func<ConsumeResult<TKey, TValue>, PartitionAssignment, TMessage> _toMessage;
    private readonly Dictionary<TopicPartition, PartitionAssignment> _owned = new();
    private readonly Queue<(ConsumeResult<TKey, TValue> Record, PartitionAssignment Assignment)> _buffer = new();
    private Exception? _failAfterBuffer; // a record-level failure, raised once the records before it are emitted

    public SingleSourceLogic(SourceShape<TMessage> shape, ConsumerSettings<TKey, TValue> settings, ISubscription subscription,
        Attributes attributes, Func<ConsumeResult<TKey, TValue>, PartitionAssignment, TMessage> toMessage)
        : base(shape, settings, subscription, attributes, FetchBudget.ForAll(settings.BufferSize, settings.BufferBytes))
    {
        _out = shape.Outlet;
        _toMessage = toMessage;
        SetHandler(_out, this);
    }

    public void OnPull() => TryPush();

    public void OnDownstreamFinish(Exception cause)
    {
        CancelledNormally = IsNormal(cause);
        CompleteStage();
    }

    /// <summary>
    /// A record that cannot be consumed fails the source after the records read before it are emitted (they were
    /// handed over first), so a stopped source has delivered everything up to the bad record.
    /// </summary>
    protected override void HandleFailure(Exception cause)
    {
        if (cause is Supervision.KafkaConsumeFailedException && _buffer.Count > 0) _failAfterBuffer = cause;
        else FailStage(cause);
    }

    protected override void HandleAssigned(IReadOnlyList<PartitionAssignment> assigned)
    {
        foreach (var a in assigned) _owned[a.TopicPartition] = a;
    }

    protected override void HandleRevoked(IReadOnlyList<PartitionAssignment> revoked)
    {
        foreach (var a in revoked)
        {
            if (_owned.TryGetValue(a.TopicPartition, out var current) && ReferenceEquals(current, a)) _owned.Remove(a.TopicPartition);
        }
        // Their buffered messages are skipped when they reach the head: IsRevoked is already set.
    }

    protected override void HandleMessages(List<ConsumeResult<TKey, TValue>> batch)
    {
        foreach (var record in batch)
        {
            if (_owned.TryGetValue(record.TopicPartition, out var a) && !a.IsRevoked) _buffer.Enqueue((record, a));
            else Budget.Release(null, 1, FetchBudget.SizeOf(record));
        }
        TryPush();
    }

    protected override void HandleStop()
    {
        while (_buffer.TryDequeue(out var dropped)) Budget.Release(dropped.Assignment, 1, FetchBudget.SizeOf(dropped.Record));
        Complete(_out);
    }

    private void TryPush()
    {
        while (IsAvailable(_out) && _buffer.TryDequeue(out var next))
        {
            Budget.Release(next.Assignment, 1, FetchBudget.SizeOf(next.Record));
            if (next.Assignment.IsRevoked) continue;
            next.Assignment.MarkEmitted(next.Record.Offset.Value);
            Push(_out, _toMessage(next.Record, next.Assignment));
        }
        if (_failAfterBuffer is { } failure && _buffer.Count == 0) FailStage(failure);
    }
}
